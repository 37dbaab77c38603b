from django import forms
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from accounts.enums import Role
from accounts.models import User
from config.forms import ModelMultipleChoiceField
from students.validators import validate_ine

from .enums import (
    AmbitionEmploiDiploma,
    AmbitionEmploiOutcome,
    CaseloadView,
    ClosureReason,
    ContactChannel,
    DroitRetourChannel,
    FollowUpOutcome,
    FollowUpSource,
    FollowUpStatus,
    HighestDiploma,
    SolutionType,
)
from .models import PaqiSite, Partner, PartnerContact

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def yes_no(label, *, yes="Oui", no="Non", initial=None):
    """Yes/no as a select: DSFR checkboxes and radios would need django-widget-tweaks."""
    return forms.TypedChoiceField(
        label=label, choices=[("1", yes), ("0", no)], coerce=lambda v: v == "1", initial=initial
    )


def today():
    return timezone.localdate()


class VersionedForm(DsfrBaseForm):
    """Carries the version the user saw, so that a concurrent change is detected."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CaseloadFilterForm(DsfrBaseForm):
    view = forms.ChoiceField(label="Vue", choices=CaseloadView.choices, required=False)
    q = forms.CharField(label="Nom, prénom ou INE", required=False)
    status = forms.ChoiceField(
        label="Étape", choices=[("", "Toutes")] + FollowUpStatus.choices, required=False
    )
    source = forms.ChoiceField(
        label="Origine", choices=[("", "Toutes")] + FollowUpSource.choices, required=False
    )


class YoungPersonForm(DsfrBaseForm):
    """Identity of a young person to follow; an existing record is reused, never duplicated."""

    ine = forms.CharField(
        label="INE", required=False, max_length=11, help_text="Laisser vide s'il n'est pas connu."
    )
    last_name = forms.CharField(label="Nom", max_length=100)
    first_name = forms.CharField(label="Prénom", max_length=100)
    birth_date = forms.DateField(label="Date de naissance", widget=DATE)
    phone = forms.CharField(label="Téléphone", required=False, max_length=30)
    email = forms.EmailField(label="Courriel", required=False)

    def clean_ine(self):
        ine = (self.cleaned_data.get("ine") or "").replace(" ", "").upper()
        if ine:
            validate_ine(ine)
        return ine or None


class NewFollowUpForm(YoungPersonForm):
    source = forms.ChoiceField(
        label="Origine",
        choices=[
            (FollowUpSource.AUTO_SAISINE, FollowUpSource.AUTO_SAISINE.label),
            (FollowUpSource.PARTENAIRE, FollowUpSource.PARTENAIRE.label),
            (
                FollowUpSource.SIGNALEMENT_ETABLISSEMENT,
                FollowUpSource.SIGNALEMENT_ETABLISSEMENT.label,
            ),
        ],
    )
    note = forms.CharField(
        label="Motif, contexte", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class SignalForm(DsfrBaseForm):
    """A school signals one of its pupils (16 to 24) to the MLDS."""

    student = forms.ModelChoiceField(label="Élève", queryset=None)
    note = forms.CharField(label="Motif du signalement", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = students


class AssignForm(VersionedForm):
    coordinator = forms.ModelChoiceField(label="Coordonnateur", queryset=None, required=False)
    paqi_site = forms.ModelChoiceField(label="Site PAQI", queryset=None, required=False)

    def __init__(self, *args, follow_up, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = User.objects.filter(
            role_assignments__role=Role.COORDONNATEUR_MLDS,
            role_assignments__departement_id=follow_up.departement_id,
        ).distinct()
        self.fields["paqi_site"].queryset = PaqiSite.objects.filter(
            departement_id=follow_up.departement_id
        )


class ContactForm(VersionedForm):
    on = forms.DateField(label="Date", widget=DATE, initial=today)
    channel = forms.ChoiceField(label="Canal", choices=ContactChannel.choices)
    reached = yes_no("Résultat", yes="Jeune joint", no="Injoignable")
    note = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class BilanForm(VersionedForm):
    on = forms.DateField(label="Date du temps de bilan", widget=DATE, initial=today)
    situation = forms.CharField(label="Situation", widget=forms.Textarea(attrs={"rows": 3}))
    wishes = forms.CharField(
        label="Souhaits", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    obstacles = forms.CharField(
        label="Freins (mobilité, logement, santé…)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SolutionForm(VersionedForm):
    solution_type = forms.ChoiceField(label="Solution", choices=SolutionType.choices)
    partner = forms.ModelChoiceField(
        label="Structure partenaire",
        queryset=None,
        required=False,
        help_text="Obligatoire pour l'apprentissage, l'E2C, l'EPIDE, le service civique, la "
        "mission locale, le micro-lycée et la formation professionnelle.",
    )
    school = forms.ModelChoiceField(
        label="Établissement d'accueil (retour en formation initiale)",
        queryset=None,
        required=False,
    )
    detail = forms.CharField(label="Précisions", required=False, max_length=250)

    def __init__(self, *args, follow_up, **kwargs):
        from territories.models import Etablissement

        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(
            departement_id=follow_up.departement_id, is_active=True
        )
        self.fields["school"].queryset = Etablissement.objects.filter(
            departement_id=follow_up.departement_id
        ).only("id", "name", "uai")


class TakeSolutionForm(VersionedForm):
    start_on = forms.DateField(label="Entrée en solution le", widget=DATE, initial=today)


class ConfirmForm(VersionedForm):
    """A confirmation with nothing to fill in (the version guards double submits)."""


class CommentForm(VersionedForm):
    comment = forms.CharField(label="Commentaire", widget=forms.Textarea(attrs={"rows": 2}))


class JointReviewForm(VersionedForm):
    on = forms.DateField(label="Date", widget=DATE, initial=today)
    is_holding = yes_no("La solution tient-elle ?", no="Fragile", initial="1")
    note = forms.CharField(label="Compte rendu", widget=forms.Textarea(attrs={"rows": 3}))


class OutcomeForm(VersionedForm):
    outcome = forms.ChoiceField(
        label="Issue : où en est le jeune ?", choices=FollowUpOutcome.choices
    )
    note = forms.CharField(
        label="Précisions", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseForm(VersionedForm):
    reason = forms.ChoiceField(
        label="Motif de clôture",
        choices=[("", "Choisissez le motif de clôture"), *ClosureReason.choices],
    )
    comment = forms.CharField(label="Commentaire", required=False)


class AmbitionProposeForm(DsfrBaseForm):
    diploma = forms.ChoiceField(
        label="Cycle achevé à la dernière session",
        choices=[("", "Selon les résultats d'examen connus"), *AmbitionEmploiDiploma.choices],
        required=False,
    )
    is_volunteer = yes_no("Le jeune est volontaire", initial="0")
    is_employed_or_in_training = yes_no("Le jeune est déjà en emploi ou en formation", initial="0")
    objectives = forms.CharField(
        label="Objectifs et contenu", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    partners = ModelMultipleChoiceField(
        label="Partenaires (SPRO, mission locale, opérateurs de l'emploi)",
        queryset=None,
        required=False,
    )

    def __init__(self, *args, departement_id, held=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.held = held
        self.fields["partners"].queryset = Partner.objects.filter(
            departement_id=departement_id, is_active=True
        )
        if held:
            # The cycle and session come from the exam results the app holds.
            self.fields["diploma"].help_text = (
                f"Résultat d'examen connu : {held['label']} — le cycle et la session en sont "
                "repris (un BMA ou un DTMS se choisit ici)."
            )

    def clean_diploma(self):
        diploma = self.cleaned_data.get("diploma", "")
        if not diploma and not self.held:
            raise forms.ValidationError("Indiquez le cycle achevé à la dernière session.")
        return diploma


class AmbitionStartForm(VersionedForm):
    start_date = forms.DateField(
        label="Début",
        widget=DATE,
        help_text="À partir de la rentrée qui suit la session du cycle achevé.",
    )
    planned_end_date = forms.DateField(
        label="Fin prévue", widget=DATE, help_text="Au plus 4 mois après le début."
    )
    situation_confirmed = forms.BooleanField(
        label="Je confirme qu'à ce jour le jeune n'est ni en emploi ni en formation",
        error_messages={
            "required": "Confirmez la situation du jeune : le parcours est réservé aux jeunes "
            "ni en emploi ni en formation (arrêté du 18 juillet 2023)."
        },
    )


class AmbitionEndForm(VersionedForm):
    planned_end_date = forms.DateField(label="Nouvelle fin prévue", widget=DATE)


class PfmpForm(VersionedForm):
    host = forms.CharField(label="Structure d'accueil", max_length=200)
    start = forms.DateField(label="Début", widget=DATE)
    end = forms.DateField(label="Fin", widget=DATE)


class AmbitionCloseForm(VersionedForm):
    outcome = forms.ChoiceField(label="Issue", choices=AmbitionEmploiOutcome.choices)
    end_date = forms.DateField(label="Fin effective", widget=DATE, initial=today)
    note = forms.CharField(label="Précisions", required=False)


class DroitRetourForm(YoungPersonForm):
    channel = forms.ChoiceField(label="Demande reçue par", choices=DroitRetourChannel.choices)
    requested_on = forms.DateField(label="Date de la demande", widget=DATE, initial=today)
    highest_diploma = forms.ChoiceField(
        label="Diplôme le plus élevé du jeune",
        choices=[("", "À préciser"), *HighestDiploma.choices],
        help_text="Le droit au retour concerne les jeunes sortis sans diplôme, ou avec "
        "seulement le DNB ou le CFG (décret 2014-1453).",
    )


class InterviewForm(VersionedForm):
    on = forms.DateField(label="Date de l'entretien", widget=DATE, initial=today)
    note = forms.CharField(label="Compte rendu", widget=forms.Textarea(attrs={"rows": 3}))


class ProposalForm(VersionedForm):
    proposal = forms.CharField(label="Formation proposée", max_length=250)
    school = forms.ModelChoiceField(label="Établissement", queryset=None, required=False)

    def __init__(self, *args, departement_id, **kwargs):
        from territories.models import Etablissement

        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = Etablissement.objects.filter(
            departement_id=departement_id
        ).only("id", "name", "uai")


class EnrolForm(VersionedForm):
    on = forms.DateField(label="Inscrit le", widget=DATE, initial=today)


class RefuseForm(VersionedForm):
    reason = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 2}))


class PartnerForm(DsfrBaseForm, forms.ModelForm):
    is_active = yes_no("Structure active", initial="1")

    class Meta:
        model = Partner
        fields = [
            "name",
            "partner_type",
            "psad",
            "territory",
            "address",
            "email",
            "phone",
            "is_active",
        ]


class PartnerContactForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = PartnerContact
        fields = ["name", "function", "email", "phone"]


class SieiUploadForm(DsfrBaseForm):
    file = forms.FileField(label="Liste SIEI / RIO (CSV)", help_text="Séparateur ; ou , — UTF-8.")
