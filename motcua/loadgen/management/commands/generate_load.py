"""`motcua generate_load --dossiers N [--years 3] [--agencies CODE,CODE] [--seed 1] [--batch 20000]
[--workers N]`"""

import os

from django.utils.translation import gettext as _

from motcua.common.commands import PlainErrorCommand, bad_argument
from motcua.common.errors import DomainError
from motcua.loadgen.services import load_generate


class Command(PlainErrorCommand):
    help = _(
        "Tạo dữ liệu lịch sử mô phỏng (hồ sơ, nhật ký, bước xử lý, bổ sung, thanh toán, đánh giá) "
        "từ dữ liệu mẫu để thử tải. Không dùng trên cơ sở dữ liệu thật."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dossiers", type=int, required=True, help=_("Số hồ sơ cần tạo."))
        parser.add_argument("--years", type=int, default=3, help=_("Số năm lịch sử (mặc định 3)."))
        parser.add_argument(
            "--agencies",
            default="",
            help=_("Mã các cơ quan, cách nhau bởi dấu phẩy: chỉ tạo hồ sơ trong cây của chúng."),
        )
        parser.add_argument("--seed", type=int, default=1, help=_("Hạt giống ngẫu nhiên."))
        parser.add_argument(
            "--batch", type=int, default=20_000, help=_("Số hồ sơ mỗi giao dịch (mặc định 20000).")
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help=_(
                "Số tiến trình tạo dữ liệu trên PostgreSQL (mặc định: số nhân CPU, tối đa 4; "
                "SQLite luôn dùng 1)."
            ),
        )

    def handle(self, *args, dossiers, years, agencies, seed, batch, workers, **options):
        codes = [code.strip() for code in agencies.split(",") if code.strip()]
        try:
            result = load_generate(
                dossiers=dossiers,
                years=years,
                agency_codes=codes,
                seed=seed,
                batch_size=batch,
                workers=workers if workers is not None else min(os.cpu_count() or 1, 4),
                progress_stream=self.stderr._out,
            )
        except DomainError as error:
            raise bad_argument(str(error.message)) from error
        rate = result.dossiers / result.seconds if result.seconds else 0
        self.stdout.write(
            _("Đã tạo %(count)s hồ sơ trong %(seconds).1f giây (%(rate)s hồ sơ/giây).")
            % {
                "count": f"{result.dossiers:,}".replace(",", "."),
                "seconds": result.seconds,
                "rate": f"{rate:,.0f}".replace(",", "."),
            }
        )
        labels = {
            "dossiers": _("hồ sơ"),
            "steps": _("bước xử lý"),
            "events": _("dòng nhật ký"),
            "pauses": _("lần tạm dừng"),
            "supplements": _("yêu cầu bổ sung"),
            "payments": _("khoản thanh toán"),
            "ratings": _("đánh giá"),
            "feedbacks": _("phản ánh"),
        }
        for name, count in result.rows.items():
            self.stdout.write(f"  {labels.get(name, name)}: {count:,}".replace(",", "."))
