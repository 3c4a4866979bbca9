from palermo.platform.access import declare_routes

app_name = "library"

urlpatterns = []

declare_routes(app_name, {})
