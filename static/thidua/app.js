// thidua client code (served locally; no CDN).
