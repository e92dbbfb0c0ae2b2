from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext


class OfficeLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose another language (the language cookie set by /i18n/setlang/).

    The browser's Accept-Language is deliberately ignored: officers' and kiosks' browsers are often
    set to English, and the office works in Vietnamese.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RejectNulMiddleware:
    """A NUL character anywhere in the path or the query string answers 400 at once.

    No form, code or name legitimately holds one, and PostgreSQL refuses NUL in text: left
    through, it would surface as a database error (a 500) wherever the value reaches a query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            if request.path.startswith("/api/"):
                message = gettext("Địa chỉ yêu cầu chứa ký tự không hợp lệ.")
                return JsonResponse({"code": "invalid_characters", "message": message}, status=400)
            raise SuspiciousOperation("NUL character in the request line")
        return self.get_response(request)
