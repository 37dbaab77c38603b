from django import forms


class SchoolSearchForm(forms.Form):
    """`?q=` of the school list: a name or a UAI (NUL and oversized values are refused)."""

    q = forms.CharField(label="Nom ou UAI", required=False, max_length=120, strip=True)
