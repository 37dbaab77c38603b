"""gunicorn reads this file from its working directory (/app); the command line adds the rest.

The access log names the path without its query string: ProConnect's return address carries
the authorization code and `state` there, and list filters may carry names.
"""

access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
