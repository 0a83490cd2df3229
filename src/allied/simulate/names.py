"""Word lists for synthetic companies and people (deterministic, no external data)."""

PREFIXES = [
    "Apex", "Blue", "Bright", "Cedar", "Clear", "Core", "Crest", "Delta", "Echo", "Ember", "Falcon", "Forge",
    "Granite", "Harbor", "Helix", "Iron", "Juniper", "Keystone", "Lumen", "Maple", "Meridian", "Nimbus", "North",
    "Nova", "Oak", "Orbit", "Peak", "Pine", "Pioneer", "Prism", "Quantum", "Radiant", "Ridge", "River", "Sage",
    "Silver", "Sky", "Sterling", "Summit", "Terra", "Titan", "True", "Vector", "Vertex", "Vista", "West", "Zen",
]
CORES = [
    "Cloud", "Data", "Logic", "Net", "Ops", "Systems", "Tech", "Works", "Digital", "Bridge", "Path", "Stack",
    "Wave", "Point", "Line", "Grid", "Shift", "Sphere", "Scale", "Link", "Gate", "Base", "Mind", "Craft",
]
SUFFIXES = ["Inc.", "LLC", "Ltd", "GmbH", "Partners", "Group", "Solutions", "Consulting", "S.A.", "B.V.", "Pty Ltd", "AG"]
FIRST = [
    "Alex", "Maria", "Sam", "Priya", "Jonas", "Chen", "Fatima", "Lucas", "Aiko", "Omar", "Elena", "David", "Sofia",
    "Noah", "Amara", "Mateo", "Hannah", "Ravi", "Ingrid", "Kwame", "Lea", "Marco", "Yuki", "Zara", "Tom", "Nina",
]
LAST = [
    "Smith", "Garcia", "Müller", "Rossi", "Kim", "Nguyen", "Patel", "Silva", "Johansson", "Okafor", "Tanaka",
    "Dubois", "Kowalski", "Hansen", "Cohen", "Lopez", "Novak", "Schmidt", "Brown", "Ali", "Costa", "Larsen",
]
COUNTRIES = {
    "na": [("US", "New York"), ("US", "Austin"), ("US", "Chicago"), ("US", "Seattle"), ("CA", "Toronto"), ("CA", "Vancouver")],
    "emea": [("DE", "Berlin"), ("GB", "London"), ("FR", "Paris"), ("NL", "Amsterdam"), ("SE", "Stockholm"), ("ES", "Madrid"),
             ("IT", "Milan"), ("AE", "Dubai"), ("ZA", "Johannesburg"), ("PL", "Warsaw")],
    "apac": [("AU", "Sydney"), ("JP", "Tokyo"), ("SG", "Singapore"), ("IN", "Bangalore"), ("NZ", "Auckland"), ("KR", "Seoul")],
    "latam": [("BR", "São Paulo"), ("MX", "Mexico City"), ("AR", "Buenos Aires"), ("CO", "Bogotá"), ("CL", "Santiago")],
}
NEWS = [
    ("New partner incentive: double SPIF on first deals", "Every partner's first three closed-won deals this quarter earn double SPIF."),
    ("Certification track refreshed", "The Solutions Architect certification now covers the new data platform. Existing certificates stay valid."),
    ("Partner summit registration is open", "Join us in Lisbon for two days of roadmap sessions, workshops and partner awards."),
    ("Co-marketing funds for the next half", "MDF requests for the next half open on the first of the month; Gold and Platinum partners get priority review."),
    ("Deal registration now protects for 120 days", "Approved registrations are now protected for 120 days instead of 90."),
]
