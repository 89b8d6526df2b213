# Auto-unseal of HashiCorp Vault through TSBaaS, written by hsm-onboard (Securosys docs,
# hc_vault/Concepts/autounseal). The seal "securosys-hsm" exists only in Securosys' build of
# Vault (github.com/securosys-com/hcvault-ce-rest-integration), not in HashiCorp's; OpenBao
# has its own: 'hsm-onboard config --for openbao'.
# Copy this stanza into Vault's config.hcl. It holds the JWT
# (bearer_token) and the unseal key's password (key_password): keep it mode 0600. Keep
# key_password once Vault has created its key; hsm-onboard keeps it when it rewrites this file.
seal "securosys-hsm" {
  key_label        = "hsm-onboard-vault-unseal"
  key_password     = "@KEYPASSWORD@"
  tsb_api_endpoint = "https://tenant.example.test"
  auth             = "TOKEN"
  bearer_token     = "@JWT@"
  check_every      = 5
  approval_timeout = 30
}
