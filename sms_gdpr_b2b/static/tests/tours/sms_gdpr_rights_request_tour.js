/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sms_gdpr_rights_request_tour", {
    steps: () => [
        {
            content: "Create a rights request",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "The person objects to SMS prospecting",
            trigger: ".o_field_widget[name=request_type] select",
            run: 'select "objection"',
        },
        {
            content: "Name the person",
            trigger: ".o_field_widget[name=subject_name] input",
            run: "edit Tour Objector",
        },
        {
            content: "Give the number they are known under",
            trigger: ".o_field_widget[name=phone] input",
            run: "edit 06 12 34 56 93",
        },
        {
            content: "Save the request",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Open the answer tab",
            trigger: ".o_notebook .nav-link:contains('Answer')",
            run: "click",
        },
        {
            content: "The opt-out is applied as soon as the objection is saved",
            trigger: ".o_field_widget[name=opt_out_applied] input:checked",
        },
        {
            content: "The legal deadline is computed",
            trigger: ".o_field_widget[name=deadline]:contains('/')",
        },
        {
            content: "Start handling the request",
            trigger: ".o_statusbar_buttons button[name=action_start]",
            run: "click",
        },
        {
            content: "The request is in progress",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('In Progress')",
        },
        {
            content: "Choose the outcome",
            trigger: ".o_field_widget[name=outcome] select",
            run: 'select "granted"',
        },
        {
            content: "Mark the request as answered",
            trigger: ".o_statusbar_buttons button[name=action_done]",
            run: "click",
        },
        {
            content: "The request is answered",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Answered')",
        },
    ],
});

registry.category("web_tour.tours").add("sms_gdpr_audit_chain_tour", {
    steps: () => [
        {
            content: "The opt-out of the objection is in the audit log",
            trigger: ".o_data_row:contains('Opt-out set')",
        },
        {
            content: "Verify the audit chain",
            trigger: ".o_control_panel button[name=action_verify_chain]",
            run: "click",
        },
        {
            content: "The chain is reported intact",
            trigger: ".o_notification:contains('is intact')",
        },
    ],
});
