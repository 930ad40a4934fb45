from django.urls import path

from wegweiser.plans import views

app_name = "plans"

urlpatterns = [
    path("faelle/<uuid:uuid>/plan/", views.plan_detail, name="plan_detail"),
    path("faelle/<uuid:uuid>/plan/ziele/neu/", views.goal_create, name="goal_create"),
    path("faelle/<uuid:uuid>/plan/vereinbaren/", views.plan_agree, name="plan_agree"),
    path("faelle/<uuid:uuid>/plan/druck/", views.plan_pdf, name="plan_pdf"),
    path("plan/ziele/<uuid:uuid>/", views.goal_update, name="goal_update"),
    path("plan/ziele/<uuid:uuid>/schritte/neu/", views.step_create, name="step_create"),
    path("plan/schritte/<uuid:uuid>/", views.step_update, name="step_update"),
    path("plan/schritte/<uuid:uuid>/status/", views.step_status, name="step_status"),
]
