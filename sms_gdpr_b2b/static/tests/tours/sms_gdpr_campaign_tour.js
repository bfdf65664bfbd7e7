/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sms_gdpr_campaign_tour", {
    steps: () => [
        {
            content: "Select the first prospect",
            trigger: ".o_data_row:contains('Tour Prospect A') .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Select the second prospect",
            trigger: ".o_data_row:contains('Tour Prospect B') .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Open the Actions menu",
            trigger: ".o_cp_action_menus .dropdown-toggle",
            run: "click",
        },
        {
            content: "Launch the SMS campaign wizard",
            trigger: ".o-dropdown--menu .o-dropdown-item:contains('SMS Campaign (GDPR)')",
            run: "click",
        },
        {
            content: "Name the campaign",
            trigger: ".modal .o_field_widget[name=name] input",
            run: "edit Tour campaign",
        },
        {
            content: "Write the message",
            trigger: ".modal .o_field_widget[name=body] textarea",
            run: "edit Offre MyBrand : -20 % sur votre CRM ce mois-ci.",
        },
        {
            content: "Leave the message field so the counters update",
            trigger: ".modal .o_field_widget[name=sender_id] input",
            run: "click",
        },
        {
            content: "The opt-out mention is appended",
            trigger: ".modal .o_field_widget[name=full_body]:contains('STOP au 36111')",
        },
        {
            content: "The checks pass",
            trigger: ".modal .o_field_widget[name=findings_html] .text-success",
        },
        {
            content: "Go to the audience",
            trigger: ".modal button[name=action_to_audience]",
            run: "click",
        },
        {
            content: "The landline is excluded with its reason",
            trigger: ".modal div[name=step_audience] .o_field_widget[name=excluded_recipient_ids] .o_data_row:contains('Tour Prospect B'):contains('Not a mobile number')",
        },
        {
            content: "Go to the schedule",
            trigger: ".modal button[name=action_to_schedule]",
            run: "click",
        },
        {
            content: "The schedule shows the recipient's time zone",
            trigger: ".modal div[name=step_schedule] .o_field_widget[name=schedule_summary_html]:contains('Europe/Paris')",
        },
        {
            content: "Go to the confirmation",
            trigger: ".modal button[name=action_to_confirm]",
            run: "click",
        },
        {
            content: "Confirm the campaign",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The campaign is scheduled",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Scheduled')",
        },
    ],
});
