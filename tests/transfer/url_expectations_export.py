"""Expected status per role for the export pages (merged into tests/test_url_matrix.py): only
the county administrator exports (decision 0011). The job of the matrix is queued, not made:
its progress partial answers 200, its download 404 (no file yet; tests/transfer/test_export.py
downloads a finished one)."""

from __future__ import annotations

from tests.matrix import by_role

EXPECTED: dict = {
    "transfer:export_home": by_role({"county_admin"}),
    "transfer:export_detail": by_role({"county_admin"}),
    "transfer:export_progress": by_role({"county_admin"}),
    "transfer:export_download": by_role({"county_admin"}, ok_status=404),
}


def url_kwargs(world: dict) -> dict:
    from wegweiser.transfer.models import ExportJob

    admin = world["users"]["county_admin"]
    job = ExportJob.objects.create(kreis_id=admin.kreis_id, created_by=admin)
    return {
        f"transfer:{name}": {"uuid": job.uuid}
        for name in ("export_detail", "export_progress", "export_download")
    }
