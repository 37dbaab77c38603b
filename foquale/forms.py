from django import forms
from dsfr.forms import DsfrBaseForm

from config.forms import ModelMultipleChoiceField
from territories.models import Network, Partner

from . import rules
from .enums import Axis
from .models import CallForProjects, Project, RemediationAction


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DiagnosisForm(DsfrBaseForm):
    annee = forms.TypedChoiceField(label="Année scolaire", coerce=int, required=False)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [(y, f"{y}-{y + 1}") for y in years]


class NetworkForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Network
        fields = ["mlds_coordinator", "partners"]
        field_classes = {"partners": ModelMultipleChoiceField}

    def __init__(self, *args, coordinators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mlds_coordinator"].queryset = coordinators
        self.fields["partners"].queryset = Partner.objects.all()


class PartnerForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "kind", "contact_name", "email", "phone"]


class ActionForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = RemediationAction
        fields = [
            "title",
            "kind",
            "description",
            "partner",
            "host_school",
            "places",
            "start_date",
            "end_date",
        ]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = network.partners.all()
        self.fields["host_school"].queryset = network.schools.all()


class ReferralForm(DsfrBaseForm):
    ine = forms.CharField(label="INE de l'élève", max_length=11)
    comment = forms.CharField(label="Commentaire (facultatif)", max_length=300, required=False)

    def clean_ine(self):
        return self.cleaned_data["ine"].strip().upper().replace(" ", "")


class CallForm(DsfrBaseForm, forms.ModelForm):
    axes = forms.MultipleChoiceField(
        label="Axes de l'appel",
        choices=Axis.choices,
        help_text="Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.",
    )

    class Meta:
        model = CallForProjects
        fields = ["title", "description", "axes", "closes_on"]
        widgets = {"closes_on": DateInput()}


class ProjectForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Project
        fields = ["title", "axis", "summary", "pupils_expected", "budget_requested"]

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axis"].choices = [(a, Axis(a).label) for a in call.axes if a in Axis.values]


class ReviewForm(DsfrBaseForm):
    score = forms.IntegerField(
        label=f"Note sur {rules.PROJECT_SCORE_MAX}",
        min_value=rules.PROJECT_SCORE_MIN,
        max_value=rules.PROJECT_SCORE_MAX,
    )
    comment = forms.CharField(label="Appréciation", widget=forms.Textarea, required=False)


class DecisionForm(DsfrBaseForm):
    accepted = forms.TypedChoiceField(
        label="Décision",
        choices=[("1", "Projet retenu"), ("0", "Projet non retenu")],
        coerce=lambda v: v == "1",
    )
    comment = forms.CharField(
        label="Motivation (communiquée à l'établissement)", widget=forms.Textarea
    )
