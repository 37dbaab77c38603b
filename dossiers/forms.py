from django import forms
from django.db.models import Q
from dsfr.forms import DsfrBaseForm

from imports.forms import ImportFileField
from territories.models import Etablissement

from . import rules
from .enums import Channel, DecisionOutcome, DossierState, OtherRoute, TrailKind, Wish

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ResultsImportForm(DsfrBaseForm):
    file = ImportFileField(
        kind="resultats",
        label="Fichier des résultats (CSV)",
        help_text="Export des résultats de Cyclades : UTF-8, ISO-8859-15 ou Windows-1252, "
        "séparateur « ; » "
        "ou « , ». Colonnes décrites dans la documentation.",
    )


class DossierFilterForm(DsfrBaseForm):
    q = forms.CharField(
        label="Élève",
        help_text="Nom, prénom ou INE",
        max_length=100,
        required=False,
    )
    school = forms.ModelChoiceField(
        label="Établissement", queryset=None, required=False, empty_label="Tous"
    )
    state = forms.ChoiceField(
        label="État", choices=[("", "Tous"), *DossierState.choices], required=False
    )
    # A select rather than a checkbox: the DSFR checkbox snippet needs django-widget-tweaks.
    overdue = forms.ChoiceField(
        label="Échéances",
        choices=[("", "Tous les dossiers"), ("1", "En retard seulement")],
        required=False,
    )

    def __init__(self, *args, schools, single_school=False, **kwargs):
        super().__init__(*args, **kwargs)
        if single_school:
            del self.fields["school"]
        else:
            self.fields["school"].queryset = schools


class SchoolField(forms.ModelChoiceField):
    """A school chosen by its id (the page's list) or by its UAI (the API)."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not value.strip().isdigit():
            school = self.queryset.filter(uai__iexact=value.strip()).first()
            if school is None:
                raise forms.ValidationError(
                    "Établissement inconnu ou hors des choix possibles.", code="invalid_choice"
                )
            return school
        return super().to_python(value)


class CommentForm(DsfrBaseForm):
    comment = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PlanEntretienForm(DsfrBaseForm):
    on = forms.DateField(label="Date prévue de l'entretien", widget=DATE)


class EntretienForm(DsfrBaseForm):
    held_on = forms.DateField(label="Date de l'entretien", widget=DATE)
    participants = forms.CharField(
        label="Participants",
        help_text="Élève, représentants légaux, chef d'établissement, psychologue EN…",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    expectations = forms.CharField(
        label="Attentes de l'élève", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    needs = forms.CharField(
        label="Besoins identifiés", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    options = forms.CharField(
        label="Possibilités étudiées",
        help_text="Re-préparation, établissement de proximité, Ambition emploi, apprentissage…",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    outcome = forms.CharField(
        label="Conclusion", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TrailForm(DsfrBaseForm):
    kind = forms.ChoiceField(label="Action", choices=TrailKind.choices)
    channel = forms.ChoiceField(label="Canal", choices=Channel.choices)
    occurred_on = forms.DateField(label="Date", widget=DATE)
    reached = forms.ChoiceField(
        label="Personne jointe ?",
        choices=[("", "Sans objet"), ("oui", "Oui"), ("non", "Non")],
        required=False,
        help_text="Obligatoire pour une tentative de contact.",
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_reached(self):
        return {"oui": True, "non": False}.get(self.cleaned_data["reached"])


class WishForm(DsfrBaseForm):
    wish = forms.ChoiceField(label="Souhait de l'élève", choices=Wish.choices)
    other_route = forms.ChoiceField(
        label="Autre voie envisagée",
        choices=[("", "—"), *OtherRoute.choices],
        required=False,
        help_text="Si le souhait est « autre voie ».",
    )
    note = forms.CharField(
        label="Précisions", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class LyceeChoiceField(SchoolField):
    """Lycées named with their town and département: several départements are listed."""

    def label_from_instance(self, obj):
        return f"{obj.name} — {obj.commune} ({obj.uai}, {obj.departement.code})"


class TransmitForm(DsfrBaseForm):
    proposed_school = LyceeChoiceField(
        label="Lycée demandé ou établissement de proximité proposé",
        queryset=Etablissement.objects.none(),
        empty_label="— Choisir un lycée —",
        help_text="Lycées publics qui préparent à l'examen de l'élève, de tout département : "
        "une demande pour un autre département est examinée par la commission de ce "
        "département.",
    )
    requested_formation = forms.CharField(
        label="Formation demandée", help_text="Par exemple : Terminale professionnelle MELEC."
    )
    impossibility_reason = forms.CharField(
        label="Motif d'impossibilité dans l'établissement d'origine",
        required=False,
        help_text="Obligatoire si l'élève demandait sa réinscription.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    request_reason = forms.CharField(
        label="Motif de la demande de la famille",
        required=False,
        help_text="Obligatoire pour un lycée d'un autre département (demande explicite et "
        "motivée, circulaire 2017-066).",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposed_school"].queryset = (
            rules.receiving_schools(dossier.exam_result.exam)
            .exclude(pk=dossier.school_id)
            .select_related("departement")
            .only("id", "name", "uai", "commune", "departement__code")
            .order_by("departement__code", "name")
        )


class InformFamilyForm(DsfrBaseForm):
    on = forms.DateField(label="Date d'information", widget=DATE)
    channel = forms.ChoiceField(label="Moyen", choices=Channel.choices)


class EnrolmentForm(DsfrBaseForm):
    on = forms.DateField(label="Date d'inscription", widget=DATE)
    school = SchoolField(
        label="Établissement (si différent de la décision)",
        queryset=Etablissement.objects.none(),
        required=False,
    )

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        # The school's département, and the school a commission of another one assigned.
        where = Q(departement_id=dossier.school.departement_id)
        decided = dossier.decided_school
        if decided is not None:
            where |= Q(pk=decided.pk)
        self.fields["school"].queryset = Etablissement.objects.filter(where).only(
            "id", "name", "uai", "commune"
        )


class InviteAllForm(DsfrBaseForm):
    channel = forms.ChoiceField(label="Canal", choices=Channel.choices)


class SessionForm(DsfrBaseForm):
    date = forms.DateField(label="Date de la séance", widget=DATE)
    place = forms.CharField(label="Lieu", required=False)
    members = forms.CharField(
        label="Membres",
        help_text="Un membre par ligne : nom et qualité.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CapacityForm(DsfrBaseForm):
    school = forms.ModelChoiceField(
        label="Établissement d'accueil",
        queryset=Etablissement.objects.none(),
        empty_label="— Choisir un lycée —",
        help_text="Lycées publics du département (ni collège, ni CFA, ni établissement privé).",
    )
    formation = forms.CharField(label="Formation", help_text="Par exemple : Terminale générale.")
    places = forms.IntegerField(label="Places", min_value=0, max_value=999)

    def __init__(self, *args, departement_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = (
            rules.receiving_schools()
            .filter(departement_id__in=departement_ids)
            .only("id", "name", "uai", "commune")
        )


class DecisionForm(DsfrBaseForm):
    outcome = forms.ChoiceField(label="Décision", choices=DecisionOutcome.choices)
    capacity = forms.UUIDField(label="Lycée et formation d'accueil", required=False)
    waiting_capacity = forms.UUIDField(label="Formation attendue", required=False)
    reason = forms.CharField(label="Motif", required=False)


class ExamRegistrationForm(DsfrBaseForm):
    registered_on = forms.DateField(
        label="Inscription enregistrée dans Cyclades le",
        widget=DATE,
        help_text="Les choix (conserver / repasser) sont alors verrouillés pour la session.",
    )


class CancelRegistrationForm(DsfrBaseForm):
    reason = forms.CharField(
        label="Motif de l'annulation",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Par exemple : confirmation saisie par erreur, inscription non encore faite.",
    )


class WithdrawalForm(DsfrBaseForm):
    """The family declines the place the commission gave: the reason they gave, if any."""

    reason = forms.CharField(label="Motif du désistement", max_length=500, required=False)
