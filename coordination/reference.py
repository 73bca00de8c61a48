"""What every app's reference lists share: a list of names becomes the rows of a lookup table
(coordination.models.LookupTable), loaded by a data migration and topped up by seed_demo."""


def load_names(model, names, step=10):
    """Adds the rows of `names` that `model` lacks, 並び順 in the list's order with gaps of `step`
    (room for the rows admins put between them). Rows already there keep what admins gave them.
    Returns {name: row}. `model` may be a migration's historical model."""
    rows = {}
    for i, name in enumerate(names):
        rows[name], _ = model.objects.get_or_create(name=name, defaults={"sort_order": i * step})
    return rows
