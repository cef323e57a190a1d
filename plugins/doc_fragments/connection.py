# -*- coding: utf-8 -*-
# Copyright (c) dataprotection.evs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    DOCUMENTATION = r'''
options:
  cloud:
    description:
      - Name of an entry in C(clouds.yaml) (merged with C(secure.yaml)), read as openstacksdk reads
        it; the first file found of C(OS_CLIENT_CONFIG_FILE), C(./clouds.yaml),
        C(~/.config/openstack/clouds.yaml), C(/etc/openstack/clouds.yaml) (also C(.yml), C(.json));
        C(secure.yaml) likewise (C(OS_CLIENT_SECURE_FILE)).
      - The entry's C(profile) (C(otc), C(otc-swiss), C(huaweicloud)) supplies the IAM URL and
        regions; C(region_name) or C(regions), C(interface), C(auth_type), C(api_timeout),
        C(verify), C(cacert) and C(*_endpoint_override) are read as openstacksdk reads them.
      - When neither O(cloud) nor O(auth.auth_url) is given, openstacksdk's default cloud is used,
        the entry named by C(OS_CLOUD), else the C(OS_*) variables (C(OS_AUTH_URL), C(OS_USERNAME),
        C(OS_PASSWORD), C(OS_USER_DOMAIN_NAME), C(OS_PROJECT_NAME), C(OS_PROJECT_ID), C(OS_REGION_NAME),
        C(OS_TOKEN), C(OS_ACCESS_KEY), C(OS_SECRET_KEY), C(OS_SECURITY_TOKEN), C(OS_CACERT), ...),
        else the only entry of C(clouds.yaml).
      - Keys C(ak)/C(sk) (or C(access_key)/C(secret_key)), in the entry's C(auth) section or at its
        top as otcextensions reads them, select AK/SK signing; C(security_token) makes them
        temporary credentials.
      - Options given to the module override the values of the entry.
    type: str
  auth:
    description:
      - Credentials and where to authenticate. Give a user name (with O(auth.user_domain_name))
        or a user id with a password, or a token, or an access key pair (O(auth.ak), O(auth.sk)).
    type: dict
    suboptions:
      auth_url:
        description:
          - The Keystone (IAM) v3 URL, for example C(https://iam.eu-de.otc.t-systems.com/v3).
        type: str
      username:
        description: User name (needs O(auth.user_domain_name) or O(auth.domain)).
        type: str
      user_id:
        description: User id, instead of O(auth.username).
        type: str
      password:
        description: Password of the user.
        type: str
      user_domain_name:
        description: Domain (account) name of the user, for example C(OTC00000000001000000xxx).
        type: str
      domain:
        description: Domain (account) name; used when O(auth.user_domain_name) is not set.
        type: str
      project_name:
        description:
          - Project to scope to, by name. On Open Telekom Cloud a project is named after its region
            (C(eu-de)) or C({region}_{suffix}); when no project is given, the project named like
            O(region) is used.
        type: str
      project_id:
        description: Project to scope to, by id.
        type: str
      project_domain_name:
        description: Domain of O(auth.project_name); else O(auth.user_domain_name).
        type: str
      token:
        description: An existing Keystone token, used instead of a password.
        type: str
      ak:
        description: Access key id for AK/SK request signing (SDK-HMAC-SHA256).
        type: str
      sk:
        description: Secret access key for AK/SK request signing.
        type: str
      security_token:
        description:
          - The security token of temporary AK/SK credentials (IAM C(securitytokens)), sent and
            signed as C(X-Security-Token).
        type: str
  auth_type:
    description:
      - C(password) (or C(v3password)), C(token) (or C(v3token)) or C(aksk). When not set, the
        entry's C(auth_type); else AK/SK when O(auth.ak) is given, a token when O(auth.token) is
        given, else a password.
    type: str
  region:
    description:
      - Region name, for example C(eu-de). Selects the catalog endpoints and builds the endpoint
        of a service the catalog does not list.
      - A C(clouds.yaml) entry that lists its regions accepts only those, as openstacksdk does.
    type: str
    aliases: [region_name]
  interface:
    description:
      - Which catalog endpoints to use. When not set, the entry's C(interface), else C(public).
    type: str
    choices: [public, internal, admin]
    aliases: [endpoint_type]
  endpoints:
    description:
      - Per service type (C(volumev2), C(volumev3), C(evs), C(compute), C(cbr), C(sdrs), C(vbsv2),
        C(identity)) a base URL that overrides the catalog and the endpoint template.
      - C({project_id}) in a URL is replaced by the project id.
    type: dict
  validate_certs:
    description:
      - Verify TLS certificates. When not set, the C(verify) value of the C(clouds.yaml) entry
        is used, else C(true).
    type: bool
    aliases: [verify]
  ca_cert:
    description: Path of a CA bundle to verify TLS certificates with (else C(OS_CACERT) or the entry's C(cacert)).
    type: path
    aliases: [cacert]
  api_timeout:
    description: Seconds to wait for one HTTP answer. When not set, the entry's C(api_timeout), else 30.
    type: int
  wait:
    description:
      - Wait until the cloud has finished the change (the resource reaches its stable status)
        before returning.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait when O(wait=true).
      - C(timeout) is openstack.cloud's name for it.
    type: int
    default: 600
    aliases: [timeout]
notes:
  - Requests that fail with HTTP 429 or 5xx, or lose their connection, are retried a bounded number
    of times with exponential backoff and jitter, honouring C(Retry-After). A create whose answer
    is lost is not sent twice; the module looks the resource up by name first.
requirements:
  - python >= 3.8
  - requests >= 2.25
'''
