from bench import due_time


def test_the_due_time_benchmark_reports_rates():
    figures = due_time.run(cases=300, repeat=1)
    assert figures["cases"] == 300
    for key in ("days_per_second", "hours_per_second", "decimal_half_days_per_second"):
        assert figures[key] > 0
