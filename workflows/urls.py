from django.urls import include, path

app_name = "workflows"

urlpatterns: list = [
    path("council/", include("workflows.council_urls")),
]
