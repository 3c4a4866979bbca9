"""Sample records for core's access declarations (``urls.py`` and ``api.py``): the permission
matrix calls these inside its test transaction to get a route's arguments."""


def focal_points_job(key: str):
    """A job of Argentina's focal point, theirs and the Secretariat's to see: ``{key: id}``."""

    def sample():
        from .models import Job, User

        job = Job.objects.create(
            kind="core.import", label="Sample job", owner=User.objects.get(username="focal-point")
        )
        return {key: job.pk}

    return sample


def observer(key: str, **extra):
    """The demo observer: ``{key: id}``, plus ``extra`` arguments computed from them."""

    def sample():
        from .models import User

        person = User.objects.get(username="observer")
        return {key: person.pk, **{name: value(person) for name, value in extra.items()}}

    return sample


def first_role(user) -> int:
    return user.role_assignments.first().pk


def focal_points_import(key: str):
    """An import of Argentina's focal point (a finished one): ``{key: id}``."""

    def sample():
        from palermo.platform.models import ImportRun

        from .models import User

        run = ImportRun.objects.create(
            importer="treaty-actions",
            file_name="sample.csv",
            owner=User.objects.get(username="focal-point"),
            status="applied",
        )
        return {key: run.pk}

    return sample


def kept_import(key: str, *, status: str = "applied", username: str = "secretariat"):
    """An import whose file is kept on disk (for its download or mapping page)."""

    def sample():
        from django.core.files.uploadedfile import SimpleUploadedFile

        from palermo.platform.imports import store_upload
        from palermo.platform.models import ImportRun

        from .models import User

        upload = SimpleUploadedFile(
            "sample.csv", b"instrument,participant,signature_date,deposit_date,action_type\n"
        )
        path, relative = store_upload(upload)
        run = ImportRun.objects.create(
            importer="treaty-actions",
            file_name=path.name,
            owner=User.objects.get(username=username),
            status=status,
            stored_file=relative,
        )
        return {key: run.pk}

    return sample
