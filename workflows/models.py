"""The record of every move: the audit ledger, its chain heads and checkpoints, idempotency keys."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChainHead(models.Model):
    """The last event of one hash chain ("dossier:<id>" or "system"); locked while appending."""

    chain = models.CharField(max_length=64, primary_key=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("chain head")
        verbose_name_plural = _("chain heads")

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq}"


class AuditEvent(models.Model):
    """Append-only. The database refuses UPDATE and DELETE (see the ledger triggers migration)."""

    chain = models.CharField(max_length=64)
    chain_seq = models.PositiveBigIntegerField()
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(max_length=150, blank=True)
    acting_for = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=60, db_index=True)
    dossier_id = models.BigIntegerField(null=True, blank=True)
    unit_id = models.BigIntegerField(null=True, blank=True)
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30, blank=True)
    payload = models.JSONField(default=dict)
    seen_hash = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # The exact canonical bytes that were hashed: verifying is hashing, not re-serialising.
    body = models.TextField()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["chain", "chain_seq"], name="audit_chain_gapless")]
        indexes = [
            models.Index(fields=["dossier_id", "id"], name="audit_dossier_id"),
            models.Index(fields=["actor", "id"], name="audit_actor_id"),
            models.Index(fields=["action", "id"], name="audit_action_id"),
            models.Index(fields=["unit_id", "id"], name="audit_unit_id"),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.chain_seq} {self.action}"


class IdempotencyRecord(models.Model):
    """The first result of an action sent with an idempotency key; a repeat returns it unchanged."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    action = models.CharField(max_length=60)
    dossier_id = models.BigIntegerField(null=True)
    result_version = models.PositiveIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "key"], name="idempotency_key_once")]

    def __str__(self) -> str:
        return f"{self.action} {self.key}"


# --- API tokens (lead) ------------------------------------------------------------------------


class ApiToken(models.Model):
    """A bearer token for automated clients. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def issue(cls, *, user, name: str) -> tuple[ApiToken, str]:
        import hashlib
        import secrets

        raw = secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_hash=hashlib.sha256(raw.encode()).hexdigest())
        return token, raw


# --- Queues: the viewflow process of a dossier, and its versions (queues) -----------------------

from viewflow.workflow.models import Process  # noqa: E402 - kept inside this section on purpose


class DossierProcess(Process):
    """The one viewflow process of a dossier (the unique one-to-one makes "one per dossier" a fact)."""

    dossier = models.OneToOneField(
        "nominations.Dossier", on_delete=models.PROTECT, related_name="process", verbose_name=_("dossier")
    )

    class Meta:
        verbose_name = _("dossier process")
        verbose_name_plural = _("dossier processes")


class DossierVersion(models.Model):
    """What the dossier looked like at one version: every version is kept and can be shown or compared."""

    dossier = models.ForeignKey("nominations.Dossier", on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=30)
    action = models.CharField(max_length=60)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("dossier version")
        verbose_name_plural = _("dossier versions")
        ordering = ["dossier", "version"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "version"], name="dossier_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} v{self.version}"


# --- Signed checkpoints of the audit ledger (owned by the ledger work; keep this section last) ------


class Checkpoint(models.Model):
    """A signed statement of every chain head at one moment. Append-only, like the events.

    `body` is the exact canonical JSON that was signed ({"created_at", "key_id", "prev", "heads"}), so
    the verifier checks the signature over these bytes and compares each head with the exported chain.
    """

    created_at = models.DateTimeField(_("created at"), db_index=True)
    key_id = models.CharField(_("key id"), max_length=64)
    chains = models.PositiveIntegerField(_("chains"))
    events = models.PositiveBigIntegerField(_("events"))
    prev_hash = models.CharField(max_length=64, unique=True)  # unique: two signers cannot fork the list
    hash = models.CharField(max_length=64, unique=True)
    body = models.TextField()
    signature = models.CharField(max_length=128)

    class Meta:
        verbose_name = _("ledger checkpoint")
        verbose_name_plural = _("ledger checkpoints")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"checkpoint {self.pk} ({self.created_at:%Y-%m-%d %H:%M})"
