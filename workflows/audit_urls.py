"""The auditor's workspace, mounted at /audit/ inside the workflows namespace."""

from django.urls import path

from . import audit_views

urlpatterns = [
    path("", audit_views.event_list, name="audit_events"),
    path("dossiers/<int:dossier_id>/", audit_views.dossier_timeline, name="audit_dossier"),
    path("as-of/", audit_views.as_of, name="audit_as_of"),
    path("verify/", audit_views.verify, name="audit_verify"),
    path("export.csv", audit_views.export_csv, name="audit_export_csv"),
    path("export.jsonl", audit_views.export_jsonl, name="audit_export_jsonl"),
]
