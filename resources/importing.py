"""The directory import's two steps for its batch (coordination.batches): what the preview
found and what the confirm wrote, kept on the FacilityImport row for the batch page."""

import re

from coordination.spreadsheets import error_lines
from resources import imports
from resources.duplicates import possible_duplicates
from resources.imports import municipalities

SHOWN = 100  # rejected rows and warnings listed on the page (all of them in the download)
# result key: the admin confirmed that a file which would flag very many facilities is complete
FLAG_MANY_MISSING = "flag_many_missing"
NOTHING_IN_SCOPE_PHASE = "対象地域の行がありません"
NEEDS_MAPPING_PHASE = "列の対応づけが必要です"
FIRST_ROWS = 5  # row numbers named in a group's one line
_QUOTED = re.compile(r"「[^」]*」")
_NUMBER = re.compile(r"[0-9]+")
_NUMBER_SPLIT = re.compile(r"([0-9]+)")  # the numbers kept, at the odd positions


def warning_groups(warnings, shown=SHOWN):
    """The warnings (row, column, message) grouped by what they say, leaving out the values
    quoted in them and any numbers: a national file repeats one repair over hundreds of rows
    (500 phone numbers ending in a full stop), which is one line with its count and first rows,
    opened to read every line. In the order of each group's first row; at most `shown` lines
    kept per group (the count says the rest)."""
    groups = {}
    for row, column, message in warnings:
        said = _QUOTED.sub("「…」", message)
        key = (column, _NUMBER.sub("#", said)) if row else (row, column, message)
        group = groups.get(key)
        if group is None:
            group = groups[key] = {"label": "", "count": 0, "rows": [], "lines": [], "more": 0}
            group["column"], group["parts"] = column, _NUMBER_SPLIT.split(said)
        else:  # a number that differs between the group's messages (「3行目と同じ」) is no label's
            parts = _NUMBER_SPLIT.split(said)
            group["parts"] = [a if a == b else "…" for a, b in zip(group["parts"], parts, strict=True)]
        group["count"] += 1
        if row and len(group["rows"]) < FIRST_ROWS:
            group["rows"].append(row)
        if len(group["lines"]) < shown:
            group["lines"].append(error_lines([(row, column, message)])[0])
    for group in groups.values():
        said, column = "".join(group.pop("parts")), group.pop("column")
        group["label"] = f"「{column}」: {said}" if column else said
        group["more"] = group["count"] - len(group["lines"])
    return list(groups.values())


def _run(batch, write):
    def progress(phase, done=0, total=0):
        batch.report(phase, done, total)

    return imports.run(
        bytes(batch.content),
        batch.file_name,
        write=write,
        user=batch.user,
        batch=batch if write else None,
        progress=progress,
        area_codes=batch.area_codes,
        mapping=batch.mapping or None,
        flag_many_missing=write and bool(batch.result.get(FLAG_MANY_MISSING)),
    )


def _outcome(outcome):
    record = outcome.record
    return {
        "row": record.row,
        "name": record.values.get("name", ""),
        "kind": record.kind.name if record.kind else "",
        "address": record.values.get("address", ""),
        "changed": outcome.changed_labels,
        "kept": outcome.kept_labels,
        "facility": outcome.facility_id,
    }


def store_result(batch, plan):
    header, rejected = plan.rejected_table()
    batch.format = plan.format.code if plan.format else ""
    batch.rows = plan.rows
    batch.created, batch.updated, batch.unchanged = plan.created, plan.updated, plan.unchanged
    batch.rejected, batch.out_of_scope = plan.rejected_rows, plan.out_of_scope
    batch.missing = plan.missing
    batch.result = {
        "format_label": plan.format_label,
        "scope": plan.scope,
        "error": plan.error,
        "needs_mapping": plan.needs_mapping,
        "header": plan.header,
        "samples": {action: [_outcome(o) for o in outcomes] for action, outcomes in plan.samples.items()},
        "kept": [_outcome(o) for o in plan.kept],
        "kept_count": plan.kept_count,
        "warnings": plan.warning_lines(notices=False)[:SHOWN],
        "warning_count": len(plan.warnings),
        "warning_groups": warning_groups(plan.warnings)[:SHOWN],
        "header_row": plan.header_row,
        "column_samples": plan.column_samples,
        "merged": plan.merged,
        "merged_label": plan.merged_label,
        "partial": plan.partial,
        "missing_found": plan.missing_found,
        "missing_in_scope": plan.missing_in_scope,
        "missing_held": plan.missing_held,
        "same_as_missing": plan.same_as_missing,
        "nothing_in_scope": bool(plan.nothing_in_scope),
        "rejected_lines": plan.rejected_lines()[:SHOWN],
        "rejected_header": header,
        "rejected": rejected,
        "out_of_scope_places": plan.out_of_scope_places.most_common(10),
        "ignored_columns": plan.ignored_columns,
        "area_labels": [f"{municipalities.label(code)}（{code}）" for code in batch.area_codes],
    }


def preview(batch):
    plan = _run(batch, write=False)
    store_result(batch, plan)
    if plan.needs_mapping:
        status, phase = batch.Status.FAILED, NEEDS_MAPPING_PHASE
    elif plan.error:
        status, phase = batch.Status.FAILED, "読み込めませんでした"
    elif plan.nothing_in_scope:  # read, but nothing to confirm: said as the reason
        status, phase = batch.Status.FAILED, NOTHING_IN_SCOPE_PHASE
    else:
        status, phase = batch.Status.READY, "確認待ち"
    batch.status, batch.phase = status, phase
    batch.failure = plan.error or plan.nothing_in_scope
    batch.failed_step = "preview" if batch.failure else ""
    batch.save()


COUNTS = ("created", "updated", "unchanged", "rejected", "missing")


def confirm(batch):
    at_preview = {name: getattr(batch, name) for name in COUNTS}
    flag_many = bool(batch.result.get(FLAG_MANY_MISSING))
    if flag_many:  # the preview held them back; the admin asked for all of them
        at_preview["missing"] = batch.result.get("missing_found", 0)
    plan = _run(batch, write=True)
    if plan.error:  # the file no longer reads as it did at the preview (a lookup changed)
        batch.status, batch.failure, batch.failed_step = batch.Status.FAILED, plan.error, "confirm"
        batch.save()
        return
    store_result(batch, plan)
    batch.result[FLAG_MANY_MISSING] = flag_many
    if any(at_preview[name] != getattr(batch, name) for name in COUNTS):
        # The directory changed between the preview and the confirm (another import, an edit):
        # the page says so, with the preview's figures.
        batch.result["at_preview"] = at_preview
    batch.duplicates = [[f.pk for f in group] for group in possible_duplicates(only_ids=plan.changed_ids)]
    batch.content = b""
    batch.confirm_done()
