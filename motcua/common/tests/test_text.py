import pytest

from motcua.common.text import fold, search_key


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Đăng ký khai sinh", "dang ky khai sinh"),
        ("ĐĂNG KÝ KẾT HÔN", "dang ky ket hon"),
        ("Chứng thực bản sao từ bản chính", "chung thuc ban sao tu ban chinh"),
        ("Thường trú; tạm trú!", "thuong tru tam tru"),
        ("  Hộ   kinh-doanh  ", "ho kinh doanh"),
        ("1.000948", "1 000948"),
        ("", ""),
    ],
)
def test_fold_strips_marks_case_and_punctuation(raw, folded):
    assert fold(raw) == folded


def test_fold_handles_decomposed_input():
    # Text pasted from some Windows tools arrives in NFD: the marks are separate code points.
    assert fold("Đa\u0306ng ky\u0301") == "dang ky"


def test_search_key_merges_i_and_y_spellings():
    assert search_key("Chứng thực chữ ký") == search_key("chung thuc chu ki")
    assert search_key("Kỹ thuật") == "ki thuat"
