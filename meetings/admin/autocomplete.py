"""Autocomplete fields whose chosen values are named with one query per field for the whole
change page, rather than one per inline row (Django's widget asks for each row's own)."""

from collections import defaultdict

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple


class NamedAtOnce:
    """An autocomplete widget that takes the labels of its chosen values from `known` when the
    page has read them (see name_chosen_values), else asks as Django's does."""

    known = None  # {str(value): label}

    def optgroups(self, name, value, attr=None):
        if self.known is None:
            return super().optgroups(name, value, attr)
        chosen = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for option_value in dict.fromkeys(chosen):
            if option_value in self.known:
                label = self.known[option_value]
                options.append(self.create_option(name, option_value, label, True, len(options)))
        return [(None, options, 0)]


class Select(NamedAtOnce, AutocompleteSelect):
    pass


class SelectMultiple(NamedAtOnce, AutocompleteSelectMultiple):
    pass


class AutocompletesNamedAtOnce:
    """For a ModelAdmin or an inline: its autocomplete fields use the widgets above, and a
    ModelAdmin's change page names their chosen values at once."""

    def render_change_form(self, request, context, *args, **kwargs):  # a ModelAdmin's page
        name_chosen_values(context)
        return super().render_change_form(request, context, *args, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = Select(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _widgets(forms):
    """(field key, bound field, widget) of every NamedAtOnce widget in `forms`."""
    for form in forms:
        for name, field in form.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # inside the "+" wrapper
            if isinstance(widget, NamedAtOnce):
                yield (type(form), name), form[name], widget


def name_chosen_values(context):
    """Reads the labels of the values chosen in every autocomplete field of a change page (its
    form and every inline row), one query per field, and gives them to the widgets."""
    forms = [context["adminform"].form]
    for inline in context.get("inline_admin_formsets", []):
        forms.extend(inline.formset.forms)
    found = defaultdict(list)
    for key, bound, widget in _widgets(forms):
        value = bound.value()
        values = value if isinstance(value, list | tuple) else [value]
        found[key].append((widget, [str(v) for v in values if v not in (None, "")]))
    for rows in found.values():
        widget = rows[0][0]
        chosen = {v for _, values in rows for v in values}
        field = widget.choices.field
        target = widget.field.remote_field
        opts = target.model._meta
        to_field = opts.get_field(getattr(target, "field_name", opts.pk.attname)).attname
        known = {}
        if chosen:
            matches = field.queryset.using(widget.db).filter(**{f"{to_field}__in": chosen})
            # Read with what its name needs: what its own admin list reads with each row.
            related_admin = widget.admin_site._registry.get(target.model)
            relations = getattr(related_admin, "list_select_related", None)
            if isinstance(relations, list | tuple):
                matches = matches.select_related(*relations)
            known = {str(getattr(obj, to_field)): field.label_from_instance(obj) for obj in matches}
        for row_widget, _ in rows:
            row_widget.known = known
