from django.utils.translation import gettext as _


def os_error_reason(exc: OSError) -> str:
    """The operating system's reason for a failed file access, in the user's language."""
    if isinstance(exc, FileNotFoundError):
        return _("không có tệp hoặc thư mục này")
    if isinstance(exc, IsADirectoryError):
        return _("đây là một thư mục")
    if isinstance(exc, PermissionError):
        return _("không có quyền truy cập")
    return exc.strerror or str(exc)
