"""Background tasks of the permit catalogue, run by `manage.py db_worker` (pattern: permits.kernel.jobs.services)."""
from permits.kernel.jobs.services import background_job


@background_job
def open_data_build_task(*, edition_id, first=None, beat):
    """Write the open-data files of the permit edition `edition_id` if it is still the one served."""
    from permits.models import PermitCatalogue
    from permits.catalogue.services.open_data import open_data_write

    # Read from the database, not remembered: this process may not have seen the latest publish.
    edition = PermitCatalogue.objects.published().filter(pk=edition_id).first()
    if edition is None:
        return "skipped"  # queued by a publish that a newer one has since replaced
    paths = open_data_write(edition, first=first, beat=beat)
    return [path.name for path in paths if path.exists()]
