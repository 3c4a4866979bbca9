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
