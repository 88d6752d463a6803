from django.urls import path, re_path

from kith.web.views import insights

urlpatterns = [
    path("insights/", insights.dashboard, name="insights"),
    re_path(r"^insights/charts/(?P<name>[a-z]+)\.svg$", insights.chart, name="insights_chart"),
    re_path(r"^insights/export\.(?P<fmt>json|csv)$", insights.export, name="insights_export"),
    re_path(r"^insights/(?P<key>[a-z_]+)/$", insights.drill, name="insights_drill"),
]
