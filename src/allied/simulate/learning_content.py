"""The demo's learning catalogue: courses with lessons and quizzes, learning paths and certifications.

The vendor sells a cloud platform for managing and securing a company's devices (three plans: Starter, Business,
Enterprise). Lesson texts are short enablement pieces written the way a channel team writes them.
Quiz questions: (text, kind, explanation, [(choice, correct)]).
"""

COURSES = [
    {
        "title": "Product fundamentals", "minutes": 40, "audience": {},
        "summary": "What the platform does, who buys it, the three plans and the questions every first call brings up.",
        "lessons": [
            ("What the platform does", "The platform gives an IT team one console for every laptop, phone and server the company "
             "owns: enrolment, configuration, patching, remote help and security policy, whether the device is in the office or "
             "on a kitchen table.\n\nCustomers replace three to five tools with it. That is the headline: fewer consoles, fewer "
             "agents on each device, one bill. Lead with the tools it replaces, not with a feature list."),
            ("Who buys it and why now", "Our best customers have 100 to 5,000 employees and an IT team of two to twenty people. "
             "The economic buyer is the IT director or, in smaller companies, the CFO; the champion is the sysadmin who is tired "
             "of chasing patches.\n\nThree events open a deal: a cyber-insurance renewal that asks for MFA and patch evidence, "
             "an audit finding, or a move to hybrid work that left devices unmanaged. Ask which of the three is happening."),
            ("The three plans", "Starter covers device enrolment, inventory, patching and remote help. Business adds single "
             "sign-on, the audit log, conditional access and MFA enforcement. Enterprise adds regional data residency, a named "
             "support engineer and a 99.95 % uptime commitment.\n\nMost mid-market customers land on Business: insurers ask for "
             "what Business adds. Quote Starter only when the customer has its identity provider covered elsewhere."),
            ("Demo in ten minutes", "Show the console with a real device enrolling: it takes under a minute on Windows and "
             "macOS. Then push a patch to a group, open the compliance report and end on the audit log entry your own actions "
             "wrote.\n\nA demo that ends on evidence lands better than one that ends on features. Leave the trial link in the "
             "chat before you stop sharing."),
        ],
        "quiz": {"pass_mark_percent": 80, "max_attempts": 3, "retry_after_hours": 0, "questions": [
            ("Which plan first includes single sign-on and the audit log?", "single",
             "Business adds SSO, the audit log, conditional access and MFA enforcement.",
             [("Starter", False), ("Business", True), ("Enterprise", False)]),
            ("Which events typically open a deal?", "multiple",
             "Insurance renewals, audit findings and unmanaged hybrid devices are the three triggers to ask about.",
             [("A cyber-insurance renewal", True), ("An audit finding", True), ("A new office printer", False),
              ("Devices left unmanaged by hybrid work", True)]),
            ("Who is usually the champion in a mid-market deal?", "single",
             "The sysadmin feels the pain daily and carries the evaluation; the IT director or CFO signs.",
             [("The sysadmin", True), ("The CEO", False), ("The procurement team", False)]),
            ("What should a first demo end on?", "single", "Ending on evidence (the audit log) answers the buyer's real question.",
             [("The pricing page", False), ("The audit log entry of what you just did", True), ("The product roadmap", False)]),
        ]},
    },
    {
        "title": "Selling the platform", "minutes": 45, "audience": {},
        "summary": "Discovery, qualification, pricing and how to handle the objections you will hear every week.",
        "lessons": [
            ("Discovery questions that work", "Ask how many tools the team uses to manage devices today, how long it takes to "
             "get a new hire's laptop ready, and when the last insurance or audit questionnaire arrived.\n\nWrite the answers "
             "down in the customer's words: they become the business case. If nobody can say when the next renewal is, the deal "
             "has no date yet."),
            ("Qualifying with MEDDPICC-lite", "You need four things before you forecast a deal: the metric the customer will "
             "measure (hours saved, audit findings closed), the economic buyer by name, the event that sets the date, and the "
             "competitor or tool being replaced.\n\nRegister the deal in the partner portal as soon as you have the buyer's "
             "name: protection starts on approval, not on close."),
            ("Pricing and discounts", "The platform is priced per device per month, billed annually. Partner discounts come "
             "from your tier; deal registration adds protection and, on approval, an extra margin on that deal.\n\nNever quote "
             "below your tier's floor without a registered, approved deal: the approval is what lets the vendor back your price "
             "against another partner."),
            ("Objections and answers", "\"We already have Intune\": most customers do; we manage macOS and Linux as well, and "
             "the audit log covers every device. \"It is too expensive\": compare with the tools it replaces, not with zero. "
             "\"We are too small\": Starter begins at 25 devices.\n\nWhen you hear the same objection three times, tell your "
             "channel account manager: it goes into the next battlecard."),
        ],
        "quiz": {"pass_mark_percent": 75, "max_attempts": 3, "retry_after_hours": 24, "questions": [
            ("When should you register a deal?", "single", "Protection starts on approval, so register as soon as you know the buyer.",
             [("After the contract is signed", False), ("As soon as you know the economic buyer", True),
              ("Only for deals above 100 devices", False)]),
            ("What do you need before forecasting a deal?", "multiple",
             "The metric, the economic buyer, the event that sets the date and the tool being replaced.",
             [("The metric the customer will measure", True), ("The economic buyer by name", True),
              ("The customer's logo for a case study", False), ("The event that sets the date", True)]),
            ("How is the platform priced?", "single", "Per device per month, billed annually.",
             [("Per user per year", False), ("Per device per month, billed annually", True), ("A one-off licence", False)]),
            ("A prospect says \"we already have Intune\". What is the best answer?", "single",
             "Most customers have Intune; the platform adds macOS and Linux and one audit log for every device.",
             [("Drop the deal", False), ("Offer a bigger discount", False),
              ("Show macOS and Linux coverage and the single audit log", True)]),
        ]},
    },
    {
        "title": "Competitive positioning", "minutes": 25, "audience": {},
        "summary": "Where we win, where we do not, and how to position against the three tools you meet most.",
        "lessons": [
            ("Where we win", "We win where a mid-market IT team runs a mix of Windows, macOS and Linux and must prove "
             "compliance to someone outside the company. We lose when the customer is Windows-only with a large in-house team "
             "invested in a suite.\n\nQualify out early when you see the second pattern; your time is better spent elsewhere."),
            ("The three competitors you meet", "Suite vendors bundle device management with productivity licences: position on "
             "cross-platform coverage and the audit log. Point tools for patching are cheap: position on replacing three of "
             "them. Open-source stacks are free to license: position on the hours they cost to run.\n\nNever criticise a "
             "competitor by name in writing; the battlecards in the content library give the wording."),
            ("Winning the bake-off", "When a customer runs a trial against another tool, agree the success criteria in writing "
             "first: enrolment time, patch compliance after a week, the report the auditor wants.\n\nOffer to run the trial on "
             "their real devices. Trials on test machines prove nothing and drag on."),
        ],
        "quiz": {"pass_mark_percent": 67, "max_attempts": 0, "retry_after_hours": 0, "questions": [
            ("Where do we usually win?", "single", "Mixed fleets with outside compliance pressure are our best ground.",
             [("Windows-only shops with a large in-house team", False), ("Mixed Windows, macOS and Linux fleets that must prove compliance", True)]),
            ("What do you agree before a bake-off?", "single", "Written success criteria keep the trial short and fair.",
             [("The discount", False), ("Written success criteria", True), ("The competitor's price", False)]),
            ("How do you position against open-source stacks?", "single", "They are free to license but cost hours to run.",
             [("On the hours they cost to run", True), ("On their licence price", False), ("On their logo", False)]),
        ]},
    },
    {
        "title": "Technical deployment", "minutes": 60, "audience": {"partner_types": ["msp", "si", "isv", "reseller", "distributor"]},
        "summary": "Architecture, tenant set-up, enrolment at scale and the integrations customers ask for.",
        "lessons": [
            ("Architecture in one page", "Each customer gets a tenant in the region they choose. Devices run a small agent "
             "that connects outbound over TLS 443; nothing listens on the device, so no firewall changes are needed.\n\nThe "
             "console, the API and the reporting warehouse sit in the same region as the tenant. Enterprise tenants can pin "
             "backups to that region too."),
            ("Setting up a tenant", "Create the tenant from the partner console, connect the customer's identity provider "
             "(Entra ID, Okta or Google), then import the device groups from it. Set the patch rings before the first device "
             "enrols: pilot, broad, critical servers.\n\nHand the customer admin role over only after the rings are set; "
             "customers who enrol first and configure later spend weeks undoing defaults."),
            ("Enrolment at scale", "Use zero-touch enrolment through Apple Business Manager and Windows Autopilot for new "
             "devices, and the one-line enrolment script pushed by the existing tool for devices already in use.\n\nPlan 200 "
             "devices a day for the first week; the agent downloads its policies on first contact, which loads the customer's "
             "internet line more than later check-ins do."),
            ("Integrations", "The platform ships connectors for the main ticketing tools, SIEMs and HR systems. The HR "
             "connector is the one customers value most: a leaver in the HR system locks the laptop within fifteen "
             "minutes.\n\nEverything the console does is in the public API, documented at /api/docs, with API keys scoped per "
             "tenant."),
        ],
        "quiz": {"pass_mark_percent": 80, "max_attempts": 3, "retry_after_hours": 12, "questions": [
            ("Which firewall change does the agent need?", "single", "The agent connects outbound over TLS 443; nothing listens on the device.",
             [("Open an inbound port", False), ("None: it connects outbound over 443", True), ("A site-to-site VPN", False)]),
            ("What do you set before the first device enrols?", "single", "Patch rings first; fixing defaults later takes weeks.",
             [("The patch rings", True), ("The invoice address", False), ("The wallpaper", False)]),
            ("Which enrolment methods suit new devices?", "multiple", "Zero-touch enrolment through Apple Business Manager and Autopilot.",
             [("Apple Business Manager", True), ("Windows Autopilot", True), ("Emailing the agent installer to each user", False)]),
            ("Which connector do customers value most?", "single", "A leaver in the HR system locks the laptop within fifteen minutes.",
             [("The HR connector", True), ("The chat connector", False), ("The calendar connector", False)]),
            ("How many devices a day should you plan in the first week?", "single", "About 200: first contact downloads every policy.",
             [("20", False), ("200", True), ("5,000", False)]),
        ]},
    },
    {
        "title": "Managed services operations", "minutes": 50, "audience": {"partner_types": ["msp"]},
        "summary": "Running many customer tenants from one place: multi-tenant console, alerting, reporting and billing.",
        "lessons": [
            ("The multi-tenant console", "As a managed service provider you see every customer tenant in one console, with "
             "your technicians' roles set per customer. Switch tenants without signing in again; every action is written to "
             "the customer's audit log with your technician's name.\n\nGive each technician the smallest role that does the "
             "job; customers read those audit logs."),
            ("Alerting and runbooks", "Route alerts by severity: critical (a device failing encryption, an admin account "
             "change) pages the on-call technician, everything else lands in the ticket queue.\n\nWrite a runbook for each "
             "critical alert before you onboard the customer. The platform links the runbook from the alert, so the night "
             "shift does not have to guess."),
            ("Monthly reporting", "Send each customer the compliance report on the first working day of the month: patch "
             "compliance, encryption, devices not seen for 30 days, and the actions you took.\n\nCustomers renew managed "
             "services because of this report. Add two lines in your own words about what changed and what you recommend."),
            ("Billing and usage", "You are billed for the devices active in each tenant during the month. The usage export "
             "gives the count per customer, so you can bill your customers on the same basis.\n\nDevices not seen for 90 days "
             "stop counting automatically; retire them in the console to keep the inventory honest."),
        ],
        "quiz": {"pass_mark_percent": 80, "max_attempts": 3, "retry_after_hours": 0, "questions": [
            ("Which alerts should page the on-call technician?", "multiple", "Encryption failures and admin account changes are critical.",
             [("A device failing encryption", True), ("An admin account change", True), ("A routine patch installed", False)]),
            ("What do you write before onboarding a customer?", "single", "A runbook per critical alert, linked from the alert.",
             [("A runbook for each critical alert", True), ("A press release", False), ("A new price list", False)]),
            ("When do devices stop counting for billing?", "single", "After 90 days without being seen.",
             [("Never", False), ("After 90 days without being seen", True), ("After 7 days", False)]),
        ]},
    },
    {
        "title": "Security and compliance essentials", "minutes": 35, "audience": {},
        "summary": "The controls insurers and auditors ask about, and how the platform produces the evidence.",
        "lessons": [
            ("What insurers ask for", "Cyber-insurance questionnaires ask the same five questions: is MFA enforced, are "
             "devices encrypted, are patches applied within 30 days, are admin rights limited, and can you show it.\n\nThe "
             "last question decides the premium. The platform's compliance report answers all five on one page."),
            ("Frameworks in plain words", "ISO 27001, SOC 2 and Cyber Essentials all want an inventory of devices, secure "
             "configuration, patching and access control. The platform maps its policies to each framework's controls, so "
             "the customer's auditor sees which control each policy evidences.\n\nWe do not certify the customer; we give them "
             "the evidence. Say it exactly like that."),
            ("Data protection", "Device data stays in the tenant's region. Personal data is limited to the device owner's "
             "name and work email; location tracking is off unless the customer turns on lost-device mode.\n\nThe data "
             "processing agreement and the list of sub-processors are in the content library; send them before legal asks."),
        ],
        "quiz": {"pass_mark_percent": 67, "max_attempts": 3, "retry_after_hours": 0, "questions": [
            ("Does the platform certify customers for ISO 27001?", "single", "We give the evidence; the auditor certifies.",
             [("Yes", False), ("No: it gives the evidence the auditor needs", True)]),
            ("Which questions do insurers ask?", "multiple", "MFA, encryption, patching within 30 days, admin rights, and proof.",
             [("Is MFA enforced?", True), ("Are devices encrypted?", True), ("How many printers do you have?", False)]),
            ("When is location tracking on?", "single", "Only when the customer turns on lost-device mode.",
             [("Always", False), ("Only in lost-device mode", True), ("On weekends", False)]),
        ]},
    },
    {
        "title": "Co-marketing with the vendor", "minutes": 20, "audience": {"roles": ["partner_admin", "partner_marketing"]},
        "summary": "Campaigns in a box, market development funds and how to measure what your marketing brings in.",
        "lessons": [
            ("Campaigns in a box", "Each quarter the vendor publishes ready-made campaigns: an email sequence, a landing page "
             "and social posts with your logo and contact details. Launch one from the portal in minutes; leads from the "
             "landing page come straight to your lead inbox.\n\nPick the campaign that matches your customers' next "
             "renewal season, not the newest one."),
            ("Market development funds", "Ask for MDF before the activity, with a plan and the pipeline you expect. Keep the "
             "invoices and the attendee list: the claim needs them as proof.\n\nThe request's tracking code goes on every lead "
             "the activity brings in, so the vendor can see what the money returned."),
            ("Measuring what works", "Measure pipeline, not clicks. A webinar with 40 attendees and two qualified opportunities "
             "beats a newsletter opened by thousands.\n\nReview the campaign results page each month and stop what brings no "
             "pipeline after two quarters."),
        ],
        "quiz": None,
    },
    {
        "title": "Referral program basics", "minutes": 15, "audience": {"partner_types": ["referral", "agency"]},
        "summary": "How referrals work, what you earn and how to introduce a customer the right way.",
        "lessons": [
            ("How referrals work", "Submit the referral in the portal with the customer's name, the contact who agreed to be "
             "introduced and why they are looking. The vendor's team takes it from there and keeps you informed at every "
             "stage.\n\nA referral is protected for 90 days from approval; if the customer buys in that time, the fee is yours."),
            ("Making a good introduction", "Ask the customer first, then introduce them by email to the channel account manager "
             "with two lines on their situation. Introductions that explain the trigger event close twice as often.\n\nNever "
             "share a customer's details without their agreement; the portal asks you to confirm it."),
        ],
        "quiz": {"pass_mark_percent": 100, "max_attempts": 0, "retry_after_hours": 0, "questions": [
            ("How long is a referral protected?", "single", "90 days from approval.",
             [("30 days from submission", False), ("90 days from approval", True), ("Forever", False)]),
            ("What must you have before sharing a customer's details?", "single", "The customer's agreement, confirmed in the portal.",
             [("The customer's agreement", True), ("A signed contract", False), ("Nothing", False)]),
        ]},
    },
]

DEPLOY_TYPES = ["msp", "si", "isv", "reseller", "distributor"]
PATHS = [  # name, description, audience, [(course title, required)]
    ("Sales essentials", "Everything a partner seller needs to find, qualify and win deals.", {},
     [("Product fundamentals", True), ("Selling the platform", True), ("Competitive positioning", False)]),
    ("Deployment specialist", "Deploy the platform for customers of any size, with the integrations they ask for.",
     {"partner_types": DEPLOY_TYPES},
     [("Product fundamentals", True), ("Technical deployment", True), ("Security and compliance essentials", True)]),
    ("Managed services", "Run the platform for many customers as a managed service.", {"partner_types": ["msp"]},
     [("Technical deployment", True), ("Managed services operations", True)]),
    ("Security specialist", "Help customers prove compliance to insurers and auditors.", {},
     [("Product fundamentals", True), ("Security and compliance essentials", True)]),
    ("Referral partner onboarding", "Start referring customers in under an hour.", {"partner_types": ["referral", "agency"]},
     [("Product fundamentals", True), ("Referral program basics", True)]),
]
# The names match the certification achievements the ecosystem's history already holds (simulate/ecosystem.py, step 2).
CERTIFICATIONS = [  # name, path, validity months, remind days, description
    ("Sales Professional", "Sales essentials", 24, 45, "Certifies that the holder can position, qualify and price the platform."),
    ("Solutions Architect", "Deployment specialist", 24, 45, "Certifies that the holder can design and run a customer deployment."),
    ("Support Engineer", "Managed services", 24, 30, "Certifies that the holder can operate the platform as a managed service."),
    ("Security Specialist", "Security specialist", 12, 30, "Certifies that the holder can map the platform to insurance and audit controls."),
]
