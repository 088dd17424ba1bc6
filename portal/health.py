"""/healthz: is the application up, and can it reach its database? For load balancers and monitoring."""
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503,
                            headers={"Retry-After": "30"})
    return JsonResponse({"status": "ok", "database": "ok"})
