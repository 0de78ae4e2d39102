from django.urls import include, path

from . import tie_views, views

app_name = "workflows"

urlpatterns: list = [
    # queues: dossiers, inbox, tasks, attachments, paper tally
    path("dossiers/", views.dossier_list, name="dossiers"),
    path("dossiers/new/", views.dossier_create, name="dossier_create"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier"),
    path("dossiers/<int:pk>/edit/", views.dossier_edit, name="dossier_edit"),
    path("dossiers/<int:pk>/do/<slug:action>/", views.dossier_act, name="dossier_act"),
    path("dossiers/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path(
        "dossiers/<int:pk>/attachments/<int:attachment_id>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("dossiers/<int:pk>/versions/<int:version>/", views.dossier_version, name="dossier_version"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment_download"),
    path("inbox/", views.inbox, name="inbox"),
    path("tasks/<int:task_id>/", views.task_page, name="task"),
    path("tasks/<int:task_id>/claim/", views.task_claim_view, name="task_claim"),
    path("tasks/<int:task_id>/release/", views.task_release_view, name="task_release"),
    path("tasks/<int:task_id>/reassign/", views.task_reassign_view, name="task_reassign"),
    path("tasks/bulk-claim/", views.task_bulk_claim_view, name="task_bulk_claim"),
    path("tally/", views.council_tally, name="council_tally"),
    path("ties/", tie_views.tie_decisions, name="tie_decisions"),
    path("council/", include("workflows.council_urls")),
    path("audit/", include("workflows.audit_urls")),
    path("documents/", include("workflows.document_urls")),
]
