"""The clinic web app (Django): a thin shell over forlob's domain modules.

Views parse input and call one `do_*` action (`forlob.web.actions`) that writes and
audit-logs; reads of patient data go through `access_*` helpers (`forlob.web.access`) that
check the user's clinic. Rules, plans, scores, letters and FHIR come from the domain modules.
"""
