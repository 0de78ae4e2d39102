from django.urls import path

from . import document_views as views

app_name = "documents"

urlpatterns = [
    path("", views.decision_list, name="list"),
    path("prepare/", views.decision_prepare, name="prepare"),
    path("decisions/<int:pk>/", views.decision_detail, name="detail"),
    path("decisions/<int:pk>/number/", views.decision_number, name="number"),
    path("decisions/<int:pk>/render/", views.decision_render, name="render"),
    path("decisions/<int:pk>/sign/", views.decision_sign, name="sign"),
    path("decisions/<int:pk>/issue/", views.decision_issue, name="issue"),
    path("decisions/<int:pk>/revoke/", views.decision_revoke, name="revoke"),
    path("decisions/<int:pk>/package/", views.submission_package, name="package"),
    path("decisions/<int:pk>/province-result/", views.province_result, name="province_result"),
    path("decisions/<int:pk>/document.pdf", views.decision_pdf, name="pdf"),
    path("decisions/<int:pk>/document.sig.json", views.decision_signature, name="signature"),
    path("decisions/<int:pk>/package.zip", views.submission_download, name="package_download"),
    path("totp/", views.totp_enrol, name="totp"),
    path("verify/", views.verify, name="verify"),
]
