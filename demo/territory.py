"""The demo académie de Créteil: départements, bassins with their CIO and communes."""

REGION = ("11", "Île-de-France")
ACADEMIE = ("24", "Académie de Créteil")

DEPARTEMENTS = [
    ("077", "Seine-et-Marne"),
    ("093", "Seine-Saint-Denis"),
    ("094", "Val-de-Marne"),
]

# (département, bassin code, bassin name, [(commune, postcode), ...]); the first commune hosts
# the CIO and the bassin's lycées.
BASSINS = [
    (
        "077",
        "77-MELUN",
        "Melun",
        [
            ("Melun", "77000"),
            ("Dammarie-les-Lys", "77190"),
            ("Le Mée-sur-Seine", "77350"),
            ("Savigny-le-Temple", "77176"),
            ("Vaux-le-Pénil", "77000"),
        ],
    ),
    (
        "077",
        "77-MEAUX",
        "Meaux",
        [
            ("Meaux", "77100"),
            ("Claye-Souilly", "77410"),
            ("Lizy-sur-Ourcq", "77440"),
            ("Villenoy", "77124"),
            ("Trilport", "77470"),
        ],
    ),
    (
        "077",
        "77-TORCY",
        "Torcy – Marne-la-Vallée",
        [
            ("Torcy", "77200"),
            ("Noisiel", "77186"),
            ("Lognes", "77185"),
            ("Champs-sur-Marne", "77420"),
            ("Pontault-Combault", "77340"),
        ],
    ),
    (
        "077",
        "77-PROVINS",
        "Provins",
        [
            ("Provins", "77160"),
            ("Nangis", "77370"),
            ("Montereau-Fault-Yonne", "77130"),
            ("Donnemarie-Dontilly", "77520"),
            ("Bray-sur-Seine", "77480"),
        ],
    ),
    (
        "093",
        "93-BOBIGNY",
        "Bobigny",
        [
            ("Bobigny", "93000"),
            ("Drancy", "93700"),
            ("Pantin", "93500"),
            ("Bondy", "93140"),
            ("Noisy-le-Sec", "93130"),
        ],
    ),
    (
        "093",
        "93-SAINT-DENIS",
        "Saint-Denis",
        [
            ("Saint-Denis", "93200"),
            ("Aubervilliers", "93300"),
            ("Saint-Ouen-sur-Seine", "93400"),
            ("Épinay-sur-Seine", "93800"),
            ("Stains", "93240"),
        ],
    ),
    (
        "093",
        "93-MONTREUIL",
        "Montreuil",
        [
            ("Montreuil", "93100"),
            ("Bagnolet", "93170"),
            ("Rosny-sous-Bois", "93110"),
            ("Noisy-le-Grand", "93160"),
            ("Romainville", "93230"),
        ],
    ),
    (
        "094",
        "94-CRETEIL",
        "Créteil",
        [
            ("Créteil", "94000"),
            ("Maisons-Alfort", "94700"),
            ("Alfortville", "94140"),
            ("Bonneuil-sur-Marne", "94380"),
            ("Saint-Maur-des-Fossés", "94100"),
        ],
    ),
    (
        "094",
        "94-VITRY",
        "Vitry-sur-Seine",
        [
            ("Vitry-sur-Seine", "94400"),
            ("Ivry-sur-Seine", "94200"),
            ("Choisy-le-Roi", "94600"),
            ("Villejuif", "94800"),
            ("Orly", "94310"),
        ],
    ),
    (
        "094",
        "94-CHAMPIGNY",
        "Champigny-sur-Marne",
        [
            ("Champigny-sur-Marne", "94500"),
            ("Villiers-sur-Marne", "94350"),
            ("Nogent-sur-Marne", "94130"),
            ("Fontenay-sous-Bois", "94120"),
            ("Le Perreux-sur-Marne", "94170"),
        ],
    ),
]
