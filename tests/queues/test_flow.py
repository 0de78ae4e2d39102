"""The viewflow process follows the FSM on every path: after each action the one open task is the one the
dossier's status calls for, and a finished dossier has a finished process."""

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from tests import factories as f
from workflows import actions
from workflows.flows import open_task_of, process_agrees
from workflows.models import DossierProcess, DossierVersion

pytestmark = pytest.mark.django_db


def ok(d):
    d = f.fresh(d)
    assert process_agrees(d), (
        d.status,
        list(Task.objects.filter(process__dossierprocess__dossier=d).values_list("flow_task", "status")),
    )
    return d


def council(u, d, agreeing=5):
    actions.council_result_record(
        actor=u["thuky"],
        authority_id=d.authority_id,
        members_present=5,
        tallies=[{"dossier_id": d.pk, "issued": 5, "returned": 5, "valid": 5, "agreeing": agreeing}],
    )
    return ok(d)


def test_one_process_per_dossier_with_draft_task_for_its_creator(world):
    u = world["u"]
    d = f.draft(actor=u["donvi"], unit=world["unit"], nominee_obj=world["nominee"])
    ok(d)
    assert DossierProcess.objects.filter(dossier=d).count() == 1
    task = open_task_of(d.pk)
    assert task.flow_task.name == "draft"
    assert task.owner == u["donvi"]
    assert task.owner_permission == f"unit:{world['unit'].pk}"


def test_giay_khen_full_path_with_a_return(world):
    u = world["u"]
    d = f.draft(actor=u["donvi"], unit=world["unit"], nominee_obj=world["nominee"])
    d = actions.dossier_submit(actor=u["donvi"], dossier_id=d.pk, expected_version=d.version)
    d = ok(d)
    receive = open_task_of(d.pk)
    assert receive.flow_task.name == "receive"
    assert receive.owner is None  # waits in the office queue
    assert receive.scheduled is not None
    d = actions.dossier_return(
        actor=u["chuyenvien"],
        dossier_id=d.pk,
        expected_version=d.version,
        reason="Thiếu báo cáo",
        field_notes={"achievement_summary": "Bổ sung số liệu"},
    )
    d = ok(d)
    assert open_task_of(d.pk).flow_task.name == "revise"
    done = Task.objects.get(pk=receive.pk)
    assert done.status == STATUS.DONE
    assert done.owner == u["chuyenvien"]
    assert done.data["outcome"] == "return_for_supplement"
    d = actions.dossier_update(
        actor=u["donvi"],
        dossier_id=d.pk,
        expected_version=d.version,
        changes={"achievement_summary": "Đã bổ sung số liệu 2026."},
    )
    d = ok(d)
    d = actions.dossier_submit(actor=u["donvi"], dossier_id=d.pk, expected_version=d.version)
    d = ok(d)
    for act in (actions.dossier_receive, actions.dossier_appraise, actions.dossier_put_on_agenda):
        d = act(actor=u["chuyenvien"], dossier_id=d.pk, expected_version=d.version)
        d = ok(d)
    # After the first office step the reviewer carries the dossier: no re-claim needed.
    assert open_task_of(d.pk).flow_task.name == "council"
    d = council(u, d)
    assert open_task_of(d.pk).owner == u["chuyenvien"]
    d = actions.dossier_prepare_decision(actor=u["chuyenvien"], dossier_id=d.pk, expected_version=d.version)
    d = ok(d)
    d = actions.dossier_sign(actor=u["chutich"], dossier_id=d.pk, expected_version=d.version)
    d = ok(d)
    assert open_task_of(d.pk).flow_task.name == "award"
    d = actions.dossier_award(
        actor=u["vanthu"], dossier_id=d.pk, expected_version=d.version, decision_number="1/QĐ-UBND"
    )
    d = ok(d)
    assert d.status == "awarded"
    assert open_task_of(d.pk) is None
    # every version is kept
    assert list(DossierVersion.objects.filter(dossier=d).values_list("version", flat=True)) == list(
        range(1, d.version + 1)
    )


def test_province_path_with_province_return(world):
    u = world["u"]
    d = f.draft(
        actor=u["donvi"], unit=world["unit"], nominee_obj=world["nominee"], award_code="bang-khen-tinh"
    )
    d = f.to_agenda(d, proposer=u["donvi"], reviewer=u["chuyenvien"])
    d = ok(d)
    d = council(u, d)
    d = actions.dossier_prepare_decision(actor=u["chuyenvien"], dossier_id=d.pk, expected_version=d.version)
    d = actions.dossier_sign(actor=u["chutich"], dossier_id=d.pk, expected_version=d.version)
    d = ok(d)
    assert open_task_of(d.pk).flow_task.name == "forward"
    d = actions.dossier_submit_to_province(actor=u["chuyenvien"], dossier_id=d.pk, expected_version=d.version)
    d = ok(d)
    d = actions.dossier_province_result(
        actor=u["chuyenvien"],
        dossier_id=d.pk,
        expected_version=d.version,
        result="returned",
        reason="Bổ sung",
    )
    d = ok(d)
    assert open_task_of(d.pk).flow_task.name == "forward"
    d = actions.dossier_submit_to_province(actor=u["chuyenvien"], dossier_id=d.pk, expected_version=d.version)
    d = actions.dossier_province_result(
        actor=u["chuyenvien"],
        dossier_id=d.pk,
        expected_version=d.version,
        result="approved",
        decision_number="99/QĐ-UBND",
    )
    d = ok(d)
    assert d.status == "province_approved"


@pytest.mark.parametrize("stage", ["draft", "submitted", "received", "appraised", "on_agenda"])
def test_withdrawal_cancels_the_open_task_and_ends_the_process(world, stage):
    u = world["u"]
    d = f.draft(actor=u["donvi"], unit=world["unit"], nominee_obj=world["nominee"])
    steps = [
        (actions.dossier_submit, "donvi"),
        (actions.dossier_receive, "chuyenvien"),
        (actions.dossier_appraise, "chuyenvien"),
        (actions.dossier_put_on_agenda, "chuyenvien"),
    ]
    order = ["draft", "submitted", "received", "appraised", "on_agenda"]
    for act, who in steps[: order.index(stage)]:
        d = act(actor=u[who], dossier_id=d.pk, expected_version=d.version)
    d = ok(d)
    before = open_task_of(d.pk)
    d = actions.dossier_withdraw(actor=u["donvi"], dossier_id=d.pk, expected_version=d.version)
    d = ok(d)
    assert d.status == "withdrawn"
    cancelled = Task.objects.get(pk=before.pk)
    if before.flow_task.name == "draft":
        assert cancelled.status == STATUS.CANCELED  # withdraw is not the draft task's outcome
    assert cancelled.status in (STATUS.CANCELED, STATUS.DONE)
    assert not Task.objects.filter(
        process__dossierprocess__dossier=d, flow_task_type="TIMER", status=STATUS.SCHEDULED
    ).exists()


def test_ineligible_council_reject_hold_and_release(world):
    u = world["u"]
    d = f.draft(actor=u["donvi"], unit=world["unit"], nominee_obj=world["nominee"])
    d = actions.dossier_submit(actor=u["donvi"], dossier_id=d.pk, expected_version=d.version)
    d = actions.dossier_hold(
        actor=u["chuyenvien"], dossier_id=d.pk, expected_version=d.version, reason="Đang thanh tra"
    )
    d = ok(d)
    assert open_task_of(d.pk).flow_task.name == "hold"
    d = actions.dossier_release_hold(actor=u["chuyenvien"], dossier_id=d.pk, expected_version=d.version)
    d = ok(d)
    assert open_task_of(d.pk).flow_task.name == "receive"
    d = actions.dossier_mark_ineligible(
        actor=u["chuyenvien"], dossier_id=d.pk, expected_version=d.version, reason="Không đủ"
    )
    d = ok(d)
    assert d.status == "ineligible"

    d2 = f.draft(actor=u["donvi"], unit=world["unit"], nominee_obj=world["collective"])
    d2 = f.to_agenda(d2, proposer=u["donvi"], reviewer=u["chuyenvien"])
    d2 = council(u, d2, agreeing=1)
    assert d2.status == "council_rejected"


def test_a_refused_action_leaves_the_process_untouched(world):
    from workflows.errors import ActionError

    u = world["u"]
    d = f.draft(actor=u["donvi"], unit=world["unit"], nominee_obj=world["nominee"])
    before = list(Task.objects.filter(process__dossierprocess__dossier=d).values_list("id", "status"))
    with pytest.raises(ActionError):
        actions.dossier_receive(actor=u["chuyenvien"], dossier_id=d.pk, expected_version=d.version)
    assert list(Task.objects.filter(process__dossierprocess__dossier=d).values_list("id", "status")) == before
    ok(d)
