"""Django's JSON serialization (settings.SERIALIZATION_MODULES["json"]): the same text, written
with two costs taken out. The history writes every session of a programme, with their
presentations, questions and statements, on each save of the programme's page, and these two
were a fifth of that save (py-spy):

- Django's serializer builds a query for each many-to-many field of each object, even when the
  values are prefetched and the query is never run: here prefetched values are read as they are.
- It writes each object with `json.dump`, which encodes in Python piece by piece: here
  `json.dumps` encodes it in one call, in C where no indent is asked for.

Everything else, reading (loaddata, reverting a version) included, is Django's own.
"""

import json

from django.core.serializers import json as django_json

Deserializer = django_json.Deserializer


class Serializer(django_json.Serializer):
    def handle_m2m_field(self, obj, field):
        prefetched = getattr(obj, "_prefetched_objects_cache", {})
        by_natural_key = self.use_natural_foreign_keys and hasattr(
            field.remote_field.model, "natural_key"
        )
        if (
            field.name not in prefetched
            or by_natural_key
            or not field.remote_field.through._meta.auto_created
        ):
            super().handle_m2m_field(obj, field)
            return
        self._current[field.name] = [
            self._value_from_field(related, related._meta.pk) for related in prefetched[field.name]
        ]

    def end_object(self, obj):
        # Django's end_object, with json.dumps for json.dump.
        indent = self.options.get("indent")
        if not self.first:
            self.stream.write(",")
            if not indent:
                self.stream.write(" ")
        if indent:
            self.stream.write("\n")
        self.stream.write(json.dumps(self.get_dump_object(obj), **self.json_kwargs))
        self._current = None
