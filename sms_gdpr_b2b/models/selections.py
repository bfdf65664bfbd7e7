"""Selection lists shared by the compliance fields, campaigns and recipients.

The keys are the codes the pure core in ``compliance/`` returns, so that a
decision made there can be stored here without translation tables.
"""

LEGAL_BASIS = [
    ("consent", "Consent"),
    ("legitimate_interest", "Legitimate interest (B2B)"),
    ("contract", "Contract or existing customer"),
    ("none", "None"),
]

DATA_SOURCE = [
    ("web_form", "Web form"),
    ("event", "Event or trade show"),
    ("phone_call", "Phone call"),
    ("existing_customer", "Existing customer"),
    ("public_directory", "Public directory"),
    ("partner", "Partner or co-registration"),
    ("rented_list", "Rented or purchased list"),
    ("import", "File import"),
    ("other", "Other"),
]

OPT_OUT_CHANNEL = [
    ("sms_reply", "SMS reply (STOP)"),
    ("email", "Email"),
    ("phone", "Phone call"),
    ("web", "Web form or opt-out link"),
    ("stop_list", "STOP-list import"),
    ("rights_request", "Rights request"),
    ("manual", "Entered by hand"),
]

NUMBER_STATUS = [
    ("valid", "Valid"),
    ("invalid", "Invalid"),
    ("missing", "Missing"),
]

NUMBER_TYPE = [
    ("mobile", "Mobile"),
    ("fixed_line", "Landline"),
    ("fixed_line_or_mobile", "Landline or mobile (undetermined)"),
    ("voip", "VoIP"),
    ("toll_free", "Toll-free"),
    ("premium_rate", "Premium rate"),
    ("shared_cost", "Shared cost"),
    ("personal_number", "Personal number"),
    ("pager", "Pager"),
    ("uan", "Universal access number"),
    ("voicemail", "Voicemail"),
    ("unknown", "Unknown"),
]

EXCLUSION_REASON = [
    ("other_company", "Record of another company"),
    ("no_number", "No phone number"),
    ("invalid_number", "Invalid phone number"),
    ("not_mobile", "Not a mobile number"),
    ("no_time_zone", "Time zone unknown"),
    ("opted_out", "Opted out"),
    ("blacklisted", "Number on the blacklist"),
    ("suppressed", "On the opposition list (erased person)"),
    ("no_legal_basis", "No legal basis"),
    ("consent_missing", "Consent basis without consent date"),
    ("frequency_cap", "Frequency cap reached"),
    ("duplicate", "Duplicate number"),
    ("interest_not_professional", "Legitimate interest on a personal number or without company or job"),
]

DECISION = [
    ("include", "Included"),
    ("exclude", "Excluded"),
]

RECIPIENT_STATE = [
    ("excluded", "Excluded"),
    ("scheduled", "Scheduled"),
    ("released", "Released"),
    ("sent", "Sent"),
    ("delivered", "Delivered"),
    ("failed", "Failed"),
    ("cancelled", "Cancelled"),
    ("opted_out", "Opted out"),
]

IMPORT_DECISION = [
    ("import", "Import"),
    ("warning", "Import with warnings"),
    ("opt_out", "Opt out"),
    ("skip", "Skip"),
    ("reject", "Reject"),
]

NUMBER_KIND = [
    ("professional", "Nominative professional"),
    ("generic", "Generic (switchboard, shared line)"),
    ("personal", "Personal"),
]

CONSENT_CHANNEL = [
    ("web_form", "Web form"),
    ("paper_form", "Paper form or business card"),
    ("email", "Email"),
    ("phone", "Phone call"),
    ("sms", "SMS reply"),
    ("event", "Event or trade show"),
    ("other", "Other"),
]

# Legal bases of GDPR art. 6(1) for a processing activity of the register.
PROCESSING_LEGAL_BASIS = [
    ("consent", "Consent (art. 6(1)(a))"),
    ("contract", "Contract (art. 6(1)(b))"),
    ("legal_obligation", "Legal obligation (art. 6(1)(c))"),
    ("vital_interests", "Vital interests (art. 6(1)(d))"),
    ("public_task", "Public task (art. 6(1)(e))"),
    ("legitimate_interest", "Legitimate interest (art. 6(1)(f))"),
]

# Safeguards for a transfer outside the EU (GDPR art. 45 to 49).
TRANSFER_SAFEGUARD = [
    ("adequacy", "Adequacy decision (art. 45)"),
    ("standard_clauses", "Standard contractual clauses (art. 46)"),
    ("binding_rules", "Binding corporate rules (art. 47)"),
    ("code_of_conduct", "Approved code of conduct or certification (art. 46)"),
    ("derogation", "Derogation for a specific situation (art. 49)"),
]
