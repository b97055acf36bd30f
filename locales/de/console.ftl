# The dashboard.
nav-inbox = Posteingang
