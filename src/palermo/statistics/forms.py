import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Aggregate


class AggregateFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    level = django_filters.ChoiceFilter(
        label=_("Level"),
        choices=[("world", _("World")), ("region", _("Region")), ("subregion", _("Sub-region"))],
    )

    class Meta:
        model = Aggregate
        fields = ["year", "level"]
