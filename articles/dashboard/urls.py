from django.urls import path

from articles.dashboard import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<slug:name>.csv", views.chart_csv, name="dashboard-csv"),
]
