"""The profiles the application ships with (written to the database by migration
`imports.0002`, and used as they are when the table holds no profile of a kind at all)."""

RESULTS_ALIASES = """\
ine = ine ; numero_ine ; n_ine
examen = examen ; diplome
serie_specialite = serie_specialite ; serie ; specialite ; code_specialite
session = session ; annee_session
resultat = resultat ; decision
moyenne = moyenne ; moyenne_generale
"""

CYCLADES_ALIASES = """\
ine = INE
examen = Examen ; Diplôme
serie_specialite = Code Spécialité ; Série
session = Session
resultat = Résultat ; Décision du jury
moyenne = Moyenne ; Moyenne générale
"""

SIEI_ALIASES = """\
numero_siei = numero_siei ; n_siei ; no_siei ; identifiant_siei ; id_siei ; numero_interne_siei
ine = ine
nom = nom ; nom_de_famille
prenom = prenom
date_naissance = date_naissance ; naissance ; date_de_naissance
sexe = sexe
uai_dernier_etablissement = uai_dernier_etablissement ; uai
formation = formation ; derniere_formation
date_sortie = date_sortie ; date_de_sortie
telephone = telephone
courriel = courriel ; mail ; email
adresse = adresse
"""

ABSENCES_ALIASES = """\
ine = ine
mois = mois
demi_journees_absence = demi_journees_absence ; demi_journees_absences ; absences
dont_non_justifiees = dont_non_justifiees ; non_justifiees ; dont_non_justifiee
incidents = incidents
moyenne_trimestre = moyenne_trimestre ; moyenne ; moyenne_trimestrielle
demi_journees_attendues = demi_journees_attendues
"""

BUILTIN_PROFILES = [
    {
        "kind": "results",
        "name": "Format Sécuparcours (résultats)",
        "description": "Une ligne par candidat et par examen, une colonne note_<CODE> par épreuve.",
        "priority": 10,
        "active": True,
        "header_aliases": RESULTS_ALIASES,
        "skip_lines": 0,
        "strip_chars": "",
        "blank_values": "",
        "separators": "; ,",
        "encoding": "",
        "date_formats": "JJ/MM/AAAA\nAAAA-MM-JJ",
    },
    {
        "kind": "results",
        "name": "Cyclades – liste simple (modèle à vérifier)",
        "description": (
            "Mise en page des « listes simples » Cyclades : 8 lignes de critères avant les "
            "en-têtes, valeurs entre apostrophes ('TMA'), « - » pour une cellule vide. "
            "Aucun export public des notes n'a été trouvé : vérifiez les en-têtes sur une "
            "extraction réelle avant de l'activer."
        ),
        "priority": 20,
        "active": False,
        "header_aliases": CYCLADES_ALIASES,
        "skip_lines": 8,
        "strip_chars": "'",
        "blank_values": "-",
        "separators": ";",
        "encoding": "",
        "date_formats": "JJ/MM/AAAA",
    },
    {
        "kind": "siei",
        "name": "Format Sécuparcours (SIEI / RIO)",
        "description": "Une ligne par jeune ; le numéro SIEI, s'il est donné, reconnaît le jeune "
        "d'une liste mensuelle à l'autre.",
        "priority": 10,
        "active": True,
        "header_aliases": SIEI_ALIASES,
        "skip_lines": 0,
        "strip_chars": "",
        "blank_values": "",
        "separators": "; ,",
        "encoding": "",
        "date_formats": "JJ/MM/AAAA\nAAAA-MM-JJ\nJJ-MM-AAAA",
    },
    {
        "kind": "absences",
        "name": "Format Sécuparcours (absences)",
        "description": "Une ligne par élève et par mois.",
        "priority": 10,
        "active": True,
        "header_aliases": ABSENCES_ALIASES,
        "skip_lines": 0,
        "strip_chars": "",
        "blank_values": "",
        "separators": "; ,",
        "encoding": "",
        "date_formats": "AAAA-MM\nMM/AAAA\nAAAA-MM-JJ\nJJ/MM/AAAA",
    },
]
