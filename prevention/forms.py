from django import forms
from dsfr.forms import DsfrBaseForm

from imports.forms import ImportFileField
from territories.models import Partner

from .enums import BilanKind, GpdsDecision, Opinion, PafiOutcome, TdoOutcome, TdoPartner
from .models.tdo import TDO_MONTHS_HELP

DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
# Yes/no as a select: plain Django checkboxes and radios would need django-widget-tweaks.
YES_NO = [("0", "Non"), ("1", "Oui")]


def yes_no(label, **kwargs):
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, coerce=lambda v: v == "1", empty_value=False, **kwargs
    )


class AbsenceImportForm(DsfrBaseForm):
    file = ImportFileField(
        kind="absences",
        label="Fichier des absences (CSV)",
        help_text="Colonnes : ine ; mois ; demi_journees_absence ; dont_non_justifiees ; "
        "facultatives : incidents ; moyenne_trimestre ; demi_journees_attendues.",
    )


class MeetingForm(DsfrBaseForm):
    date = forms.DateField(label="Date de la réunion", **DATE)
    members = forms.CharField(
        label="Membres présents",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Un nom et une fonction par ligne.",
    )
    notes = forms.CharField(
        label="Notes générales", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewForm(DsfrBaseForm):
    student = forms.ModelChoiceField(label="Élève examiné", queryset=None)
    situation = forms.CharField(
        label="Situation observée", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    decision = forms.ChoiceField(label="Décision", choices=GpdsDecision.choices)
    in_charge = forms.CharField(label="Personne en charge", max_length=150)
    next_review_on = forms.DateField(label="Prochain examen en GPDS", required=False, **DATE)

    def __init__(self, *args, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = students


class PafiForm(DsfrBaseForm):
    planned_start = forms.DateField(label="Début prévu", **DATE)
    planned_end = forms.DateField(label="Fin prévue (un an au plus)", **DATE)
    objectives = forms.CharField(label="Objectifs", widget=forms.Textarea(attrs={"rows": 3}))
    activities = forms.CharField(
        label="Activités hors de l'établissement",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="L'élève garde son statut scolaire et ses droits (bourse, couverture).",
    )
    referent = forms.CharField(label="Référent du parcours", max_length=150, required=False)


class DerogatoireForm(DsfrBaseForm):
    planned_start = forms.DateField(label="Début prévu", **DATE)
    planned_end = forms.DateField(label="Fin prévue", **DATE)
    exempted_teachings = forms.CharField(
        label="Enseignements dont l'élève est dispensé", widget=forms.Textarea(attrs={"rows": 2})
    )
    alternation = forms.CharField(
        label="Organisation de l'alternance",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Séquences au collège et ailleurs (LP, CFA, entreprises, associations).",
    )
    referent = forms.CharField(label="Référent / tuteur", max_length=150)


class PlacementForm(DsfrBaseForm):
    has_placement = yes_no("Le parcours comporte un stage")
    host_name = forms.CharField(label="Organisme d'accueil", max_length=200, required=False)
    host_address = forms.CharField(label="Adresse", max_length=250, required=False)
    host_tutor = forms.CharField(label="Tuteur dans l'organisme", max_length=150, required=False)
    convention_signed_on = forms.DateField(
        label="Convention de stage signée le", required=False, **DATE
    )
    visit_planned_on = forms.DateField(label="Visite de stage prévue le", required=False, **DATE)


class ObjectiveForm(DsfrBaseForm):
    text = forms.CharField(label="Objectif", max_length=300)
    deadline = forms.DateField(label="Échéance", **DATE)


class SignaturesForm(DsfrBaseForm):
    young = forms.DateField(label="Signé par le jeune le", required=False, **DATE)
    family = forms.DateField(label="Signé par la famille le", required=False, **DATE)
    head = forms.DateField(label="Signé par le chef d'établissement le", required=False, **DATE)


class CommentForm(DsfrBaseForm):
    comment = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class OpinionForm(DsfrBaseForm):
    opinion = forms.ChoiceField(label="Avis de l'IEN-IO", choices=Opinion.choices)
    comment = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(DsfrBaseForm):
    accept = forms.TypedChoiceField(
        label="Décision",
        choices=[("", "Choisir"), ("1", "Valider"), ("0", "Refuser")],
        coerce=lambda v: v == "1",
    )
    comment = forms.CharField(
        label="Motif (obligatoire en cas de refus)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StartForm(DsfrBaseForm):
    started_on = forms.DateField(label="Début effectif", **DATE)


class BilanForm(DsfrBaseForm):
    kind = forms.ChoiceField(label="Type de bilan", choices=BilanKind.choices)
    date = forms.DateField(label="Date", **DATE)
    assessment = forms.CharField(
        label="Atteinte des objectifs et observations", widget=forms.Textarea(attrs={"rows": 3})
    )
    next_steps = forms.CharField(
        label="Suite proposée", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    attach_to_assignment = yes_no(
        "Joindre le bilan final au dossier d'affectation (commission Prépam)", required=False
    )


class VisitForm(DsfrBaseForm):
    done_on = forms.DateField(label="Visite réalisée le", **DATE)
    report = forms.CharField(label="Compte rendu", widget=forms.Textarea(attrs={"rows": 3}))


class PafiCloseForm(DsfrBaseForm):
    outcome = forms.ChoiceField(label="Issue", choices=PafiOutcome.choices)
    closed_on = forms.DateField(label="Clos le", **DATE)
    comment = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CancelForm(DsfrBaseForm):
    comment = forms.CharField(label="Motif de l'abandon", widget=forms.Textarea(attrs={"rows": 2}))


class TdoOfferForm(DsfrBaseForm):
    proposed_on = forms.DateField(label="Proposé le", **DATE)
    referent = forms.CharField(
        label="Référent dans l'établissement", max_length=150, required=False
    )


class TdoAnswerForm(DsfrBaseForm):
    accepted = forms.TypedChoiceField(
        label="Réponse de l'élève et de sa famille",
        choices=[("", "Choisir"), ("1", "Acceptée"), ("0", "Refusée")],
        coerce=lambda v: v == "1",
    )
    answered_on = forms.DateField(label="Date de la réponse", **DATE)
    comment = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TdoStartForm(DsfrBaseForm):
    """The partner comes from the directory serving the school's département; a structure not
    listed there is named by type and name and added to it (`Tdo.start`)."""

    partner = forms.ModelChoiceField(
        label="Structure partenaire (annuaire des partenaires)",
        queryset=Partner.objects.none(),
        required=False,
        empty_label="Choisir une structure",
    )
    partner_kind = forms.ChoiceField(
        label="Ou une structure absente de l'annuaire : type",
        choices=[("", "Choisir un type"), *TdoPartner.choices],
        required=False,
    )
    partner_name = forms.CharField(
        label="Nom de la structure",
        max_length=200,
        required=False,
        help_text="Ajoutée à l'annuaire des partenaires du département.",
    )
    partner_contact = forms.CharField(
        label="Contact chez le partenaire",
        max_length=150,
        required=False,
        help_text="Nom de la personne : retrouvée parmi les contacts de la structure, ou ajoutée.",
    )
    start_date = forms.DateField(label="Début", help_text=TDO_MONTHS_HELP, **DATE)

    def __init__(self, *args, path=None, **kwargs):
        super().__init__(*args, **kwargs)
        if path is not None:
            self.fields["partner"].queryset = Partner.objects.serving(
                path.school.departement_id
            ).order_by("name", "pk")

    def clean(self):
        data = super().clean()
        if data.get("partner") is not None:
            if data.get("partner_name"):
                self.add_error(
                    "partner_name",
                    "Choisissez une structure de l'annuaire ou nommez-en une autre, pas les deux.",
                )
        elif not data.get("partner_name"):
            self.add_error("partner", "Choisissez la structure partenaire dans l'annuaire.")
        elif not data.get("partner_kind"):
            self.add_error("partner_kind", "Choisissez le type de la structure.")
        return data


class TdoFollowUpForm(DsfrBaseForm):
    date = forms.DateField(label="Date du point", **DATE)
    participants = forms.CharField(
        label="Participants (établissement et partenaire)", max_length=300
    )
    note = forms.CharField(label="Observations", widget=forms.Textarea(attrs={"rows": 2}))


class TdoCloseForm(DsfrBaseForm):
    bilan = forms.CharField(label="Bilan", widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.ChoiceField(label="Issue", choices=TdoOutcome.choices)
    closed_on = forms.DateField(label="Clos le", **DATE)


class ReviewLinkForm(forms.Form):
    """Query parameters that link a page to a pupil (`?eleve=`) or to the GPDS decision that
    led to it (`?examen=`): public ids, anything else is ignored with a message."""

    eleve = forms.UUIDField(required=False)
    examen = forms.UUIDField(required=False)

    def value(self, name):
        return self.cleaned_data.get(name) if self.is_valid() else None
