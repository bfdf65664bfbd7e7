"""Layout of the processing register export, shared by the XLSX, ODS and PDF outputs.

It follows the CNIL's register template: a summary sheet naming the
organisation and listing the activities, then one sheet per activity with the
sections of GDPR art. 30(1). The layout is a list of sheets made of typed
rows, so that each output only decides how a row type looks.
"""

import io
import re
from dataclasses import dataclass, field

from odoo.tools import format_date, format_datetime

# Widest table of a sheet, in columns: the campaign and summary tables.
TABLE_WIDTH = 7

# Spreadsheet applications limit sheet names to 31 characters without []:*?/\ .
SHEET_NAME_MAX_LENGTH = 31
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")


@dataclass(frozen=True)
class Row:
    """One row of a sheet.

    ``style`` is one of: title, section, field (label then value), header
    (column titles), line (table values) and note (a sentence on its own).
    """

    style: str
    cells: tuple


@dataclass
class Sheet:
    """One sheet of the export: its unique tab name, its title and its rows."""

    name: str
    title: str
    rows: list = field(default_factory=list)

    def add(self, style, *cells):
        self.rows.append(Row(style, tuple(cells)))


# ----------------------------------------------------------------------
# Layout
# ----------------------------------------------------------------------


def build_register(env, entries):
    """Return the summary sheet then one sheet per entry of ``entries``."""
    names = set()
    sheets = [_summary_sheet(env, entries, _unique_sheet_name(env._("Register"), names))]
    for entry in entries:
        label = " ".join(part for part in (entry.reference, entry.name) if part)
        sheets.append(_entry_sheet(env, entry, _unique_sheet_name(label, names)))
    return sheets


def _unique_sheet_name(label, used_names):
    base = SHEET_NAME_FORBIDDEN.sub(" ", label).strip()[:SHEET_NAME_MAX_LENGTH] or "Sheet"
    name, number = base, 1
    while name.lower() in used_names:
        number += 1
        suffix = f" ({number})"
        name = base[:SHEET_NAME_MAX_LENGTH - len(suffix)] + suffix
    used_names.add(name.lower())
    return name


def _label(entry, fname):
    return entry._fields[fname]._description_string(entry.env)


def _selection_label(record, fname):
    value = record[fname]
    return dict(record._fields[fname]._description_selection(record.env)).get(value, value or "")


def _contact(env, partner):
    """Return the name, address, phone and email of ``partner`` on separate lines."""
    if not partner:
        return env._("Not set")
    partner = partner.sudo()
    lines = [partner.name or ""]
    if partner.parent_id and partner.parent_id.name != partner.name:
        lines[0] = f"{partner.name}, {partner.parent_id.name}"
    lines.append(partner._display_address(without_company=True).strip())
    lines += [partner.phone or partner.mobile or "", partner.email or ""]
    return "\n".join(line for line in lines if line)


def _summary_sheet(env, entries, name):
    sheet = Sheet(name, env._("Record of processing activities"))
    controller = entries[:1].controller_id or env.company.partner_id
    sheet.add("title", sheet.title)
    sheet.add("field", env._("Organisation"), _contact(env, controller))
    sheet.add("field", env._("Data protection officer"), _contact(env, entries[:1].dpo_id))
    sheet.add("field", env._("Exported on"), format_date(env, env.cr.now()))
    sheet.add("section", env._("Processing activities"))
    sheet.add(
        "header",
        _label(entries, "reference"),
        env._("Processing activity"),
        _label(entries, "purpose"),
        _label(entries, "legal_basis"),
        env._("Created on"),
        env._("Last updated on"),
        env._("Campaigns"),
    )
    for entry in entries:
        sheet.add(
            "line",
            entry.reference or "",
            entry.name,
            entry.purpose or "",
            _selection_label(entry, "legal_basis"),
            format_date(env, entry.create_date),
            format_date(env, entry.write_date),
            entry.campaign_count,
        )
    return sheet


def _entry_sheet(env, entry, name):
    sheet = Sheet(name, entry.name)
    sheet.add("title", entry.name)

    sheet.add("section", env._("Description"))
    sheet.add("field", _label(entry, "reference"), entry.reference or "")
    sheet.add("field", env._("Processing activity"), entry.name)
    sheet.add("field", env._("Created on"), format_date(env, entry.create_date))
    sheet.add("field", env._("Last updated on"), format_date(env, entry.write_date))

    sheet.add("section", env._("Actors"))
    sheet.add("field", _label(entry, "controller_id"), _contact(env, entry.controller_id))
    sheet.add("field", _label(entry, "dpo_id"), _contact(env, entry.dpo_id))

    sheet.add("section", env._("Purposes"))
    sheet.add("field", _label(entry, "purpose"), entry.purpose or "")
    sheet.add("field", _label(entry, "sub_purposes"), entry.sub_purposes or "")

    sheet.add("section", _label(entry, "legal_basis"))
    sheet.add("field", _label(entry, "legal_basis"), _selection_label(entry, "legal_basis"))
    sheet.add("field", _label(entry, "legal_basis_detail"), entry.legal_basis_detail or "")

    sheet.add("section", env._("Categories of data subjects"))
    sheet.add("field", _label(entry, "data_subject_categories"), entry.data_subject_categories or "")

    _add_data_categories(env, sheet, entry)

    sheet.add("section", _label(entry, "sensitive_data"))
    sheet.add("field", _label(entry, "sensitive_data"), env._("Yes") if entry.sensitive_data else env._("No"))
    if entry.sensitive_data:
        sheet.add("field", _label(entry, "sensitive_data_description"), entry.sensitive_data_description or "")

    sheet.add("section", _label(entry, "recipients"))
    sheet.add("field", _label(entry, "recipients"), entry.recipients or "")

    sheet.add("section", _label(entry, "processor_ids"))
    processors = "\n\n".join(_contact(env, partner) for partner in entry.processor_ids)
    sheet.add("field", _label(entry, "processor_ids"), processors or env._("None named"))
    sheet.add("field", _label(entry, "processor_details"), entry.processor_details or "")

    _add_transfers(env, sheet, entry)

    sheet.add("section", _label(entry, "security_measures"))
    sheet.add("field", _label(entry, "security_measures"), entry.security_measures or "")

    _add_campaigns(env, sheet, entry)
    return sheet


def _add_data_categories(env, sheet, entry):
    lines = entry.data_line_ids
    sheet.add("section", env._("Categories of personal data"))
    sheet.add("header", *(_label(lines, fname) for fname in ("name", "description", "retention_months",
                                                               "retention_start")))
    for line in lines:
        sheet.add("line", line.name, line.description or "", line.retention_months, line.retention_start or "")
    if not lines:
        sheet.add("note", env._("No data category recorded."))


def _add_transfers(env, sheet, entry):
    sheet.add("section", _label(entry, "transfer_outside_eu"))
    if not entry.transfer_outside_eu:
        sheet.add("note", env._("No transfer outside the EU."))
        return
    transfers = entry.transfer_line_ids
    sheet.add("header", *(_label(transfers, fname) for fname in ("recipient", "country_id", "safeguard",
                                                                   "documentation_url")))
    for transfer in transfers:
        sheet.add("line", transfer.recipient, transfer.country_id.name, _selection_label(transfer, "safeguard"),
                  transfer.documentation_url or "")


def _add_campaigns(env, sheet, entry):
    campaigns = entry.campaign_ids
    sheet.add("section", env._("Campaigns run under this entry"))
    if not campaigns:
        sheet.add("note", env._("No campaign yet."))
        return
    sheet.add("header", *(_label(campaigns, fname) for fname in ("name", "user_id", "date_confirmed",
                                                                   "recipient_count", "sent_count",
                                                                   "excluded_count", "state")))
    for campaign in campaigns:
        sheet.add(
            "line",
            campaign.name,
            campaign.user_id.name or "",
            format_datetime(env, campaign.date_confirmed) if campaign.date_confirmed else "",
            campaign.recipient_count,
            campaign.sent_count,
            campaign.excluded_count,
            _selection_label(campaign, "state"),
        )


# ----------------------------------------------------------------------
# Writers
# ----------------------------------------------------------------------

# Column widths: labels, then values and table columns.
COLUMN_WIDTHS = (30, 34, 34, 22, 20, 20, 16)


def write_xlsx(sheets):
    """Return the sheets as an Office Open XML workbook (XLSX)."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    formats = {
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "section": workbook.add_format({"bold": True, "bg_color": "#D9E2F3", "border": 1}),
        "label": workbook.add_format({"bold": True, "valign": "top", "text_wrap": True, "border": 1}),
        "value": workbook.add_format({"valign": "top", "text_wrap": True, "border": 1}),
        "header": workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "text_wrap": True, "border": 1}),
        "line": workbook.add_format({"valign": "top", "text_wrap": True, "border": 1}),
        "note": workbook.add_format({"italic": True}),
    }
    last_column = TABLE_WIDTH - 1
    for sheet in sheets:
        worksheet = workbook.add_worksheet(sheet.name)
        for column, width in enumerate(COLUMN_WIDTHS):
            worksheet.set_column(column, column, width)
        for index, row in enumerate(sheet.rows):
            if row.style in ("title", "section", "note"):
                worksheet.merge_range(index, 0, index, last_column, row.cells[0], formats[row.style])
            elif row.style == "field":
                worksheet.write(index, 0, row.cells[0], formats["label"])
                worksheet.merge_range(index, 1, index, last_column, row.cells[1], formats["value"])
            else:
                for column, value in enumerate(row.cells):
                    worksheet.write(index, column, value, formats[row.style])
    workbook.close()
    return buffer.getvalue()


def write_ods(sheets):
    """Return the sheets as an OpenDocument spreadsheet (ODS), written with odfpy."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableCellProperties, TableColumnProperties, TextProperties
    from odf.table import CoveredTableCell, Table, TableCell, TableColumn, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()

    def cell_style(name, bold=False, size=None, background=None, italic=False):
        style = Style(name=name, family="table-cell")
        text = {"fontweight": "bold"} if bold else {}
        if size:
            text["fontsize"] = size
        if italic:
            text["fontstyle"] = "italic"
        if text:
            style.addElement(TextProperties(**text))
        cell = {"wrapoption": "wrap", "verticalalign": "top"}
        if background:
            cell["backgroundcolor"] = background
        style.addElement(TableCellProperties(**cell))
        document.automaticstyles.addElement(style)
        return style

    styles = {
        "title": cell_style("title", bold=True, size="14pt"),
        "section": cell_style("section", bold=True, background="#D9E2F3"),
        "label": cell_style("label", bold=True),
        "value": cell_style("value"),
        "header": cell_style("header", bold=True, background="#F2F2F2"),
        "line": cell_style("line"),
        "note": cell_style("note", italic=True),
    }
    column_styles = []
    for index, width in enumerate(COLUMN_WIDTHS):
        style = Style(name=f"column{index}", family="table-column")
        style.addElement(TableColumnProperties(columnwidth=f"{width * 0.2:.1f}cm"))
        document.automaticstyles.addElement(style)
        column_styles.append(style)

    def make_cell(value, style, span=1):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            cell = TableCell(valuetype="float", value=value, stylename=style)
        else:
            cell = TableCell(valuetype="string", stylename=style)
        if span > 1:
            cell.setAttribute("numbercolumnsspanned", span)
        for line in str(value if value is not None else "").split("\n"):
            cell.addElement(P(text=line))
        return cell

    for sheet in sheets:
        table = Table(name=sheet.name)
        for style in column_styles:
            table.addElement(TableColumn(stylename=style))
        for row in sheet.rows:
            table_row = TableRow()
            if row.style in ("title", "section", "note"):
                table_row.addElement(make_cell(row.cells[0], styles[row.style], span=TABLE_WIDTH))
                for _index in range(TABLE_WIDTH - 1):
                    table_row.addElement(CoveredTableCell())
            elif row.style == "field":
                table_row.addElement(make_cell(row.cells[0], styles["label"]))
                table_row.addElement(make_cell(row.cells[1], styles["value"], span=TABLE_WIDTH - 1))
                for _index in range(TABLE_WIDTH - 2):
                    table_row.addElement(CoveredTableCell())
            else:
                for value in row.cells:
                    table_row.addElement(make_cell(value, styles[row.style]))
            table.addElement(table_row)
        document.spreadsheet.addElement(table)

    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()
