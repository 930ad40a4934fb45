from django.conf import settings


def wegweiser(request):
    return {"debug_banner": settings.DEBUG}
