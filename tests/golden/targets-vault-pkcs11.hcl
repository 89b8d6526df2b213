# Vault Enterprise seal through PKCS#11, written by hsm-onboard (Securosys docs,
# hc-vault-enterprise/Installation/installation). Copy this stanza into Vault's config.hcl.
# No PIN here: Vault reads VAULT_HSM_PIN, set from the 0600 file
#   systemd: EnvironmentFile=@DIR@/vault-hsm-pin.secret.env
seal "pkcs11" {
  lib          = "@MODULE@"
  token_label  = "TGTUSER"
  key_label    = "hsm-onboard-vault-unseal"
  mechanism    = "0x1087"
  generate_key = "true"
}
