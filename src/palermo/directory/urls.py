from palermo.platform.access import declare_routes

app_name = "directory"

urlpatterns = []

declare_routes(app_name, {})
