"""config_clean: volatile lines removed, every secret masked consistently, nothing else touched.

Each case is a configuration written line by line with what must happen to the line:
``KEEP`` (byte for byte the same), ``GONE`` (a volatile line: removed) or the secret values
it holds (each replaced by its mask, the rest of the line the same). The lines are the
formats of the vendors' running configurations as Oxidized's models and its spec data show
them (ytti/oxidized lib/oxidized/model/{ios,nxos,vrp,comware}.rb, spec/model/data/) and the
vendors' configuration guides (Cisco IOS 15 / IOS-XE 17 security, NX-OS 9/10 security,
Huawei S-series V200R019 and CE V200R005, H3C Comware 5 and 7.1.070); the values are made up.
"""

from __future__ import annotations

import re

import pytest
from ansible.module_utils.weibao_inspection.config_clean import PLATFORMS, clean, mask

KEEP, GONE = "keep", "gone"
SALT = "0123456789abcdef-site-salt"

IOS = [
    ("Building configuration...", GONE),
    ("", GONE),
    ("Current configuration : 4521 bytes", GONE),
    ("!", KEEP),
    ("! Last configuration change at 09:37:40 CEST Tue Aug 20 2024 by admin", GONE),
    ("! NVRAM config last updated at 09:37:37 CEST Tue Aug 20 2024 by admin", GONE),
    ("! No configuration change since last restart", GONE),
    ("version 15.2", KEEP),
    ("service password-encryption", KEEP),
    ("hostname sw-core-1", KEEP),
    ("enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0", ["$1$mERr$hx5rVt7rPNoS4wqbXKX7m0"]),
    ("enable secret level 7 5 $1$xyzw$ABCDEFGHIJKLMNOPQRSTU.", ["$1$xyzw$ABCDEFGHIJKLMNOPQRSTU."]),
    ("enable password 7 0822455D0A16", ["0822455D0A16"]),
    ("username admin privilege 15 secret 9 $9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySC",
     ["$9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySC"]),
    ("username ops password 7 094F471A1A0A", ["094F471A1A0A"]),
    ("username netops privilege 15 algorithm-type scrypt secret 9 $9$abcDEF$0123",
     ["$9$abcDEF$0123"]),
    ("aaa new-model", KEEP),
    ("ntp clock-period 36028797", GONE),
    ("ntp authentication-key 1 md5 104D000A0618 7", ["104D000A0618"]),
    ("ntp server 192.0.2.10 key 1", KEEP),
    ("snmp-server community pUbl1c RO 5", ["pUbl1c"]),
    ("snmp-server community pr1vate RW", ["pr1vate"]),
    ("snmp-server host 192.0.2.9 version 2c tr4pcomm", ["tr4pcomm"]),
    ("snmp-server host 192.0.2.8 informs version 3 priv v3user", KEEP),
    ("snmp-server location DC1 row 4", KEEP),
    ("tacacs-server host 192.0.2.5 key 7 045802150C2E", ["045802150C2E"]),
    ("tacacs-server key 7 045802150C2F", ["045802150C2F"]),
    ("radius-server host 192.0.2.7 auth-port 1812 acct-port 1813 key r4diuskey", ["r4diuskey"]),
    ("radius-server key s3cr3t", ["s3cr3t"]),
    ("tacacs server TAC1", KEEP),
    (" address ipv4 192.0.2.6", KEEP),
    (" key Pl41nK3y", ["Pl41nK3y"]),
    ("aaa server radius dynamic-author", KEEP),
    (" client 192.0.2.20 server-key 7 0507070D2E4D", ["0507070D2E4D"]),
    ("crypto isakmp key isakmpk3y address 192.0.2.1", ["isakmpk3y"]),
    ("crypto keyring KR", KEEP),
    (" pre-shared-key address 192.0.2.2 key ringk3y", ["ringk3y"]),
    ("crypto ikev2 keyring IKR", KEEP),
    (" peer BRANCH", KEEP),
    ("  pre-shared-key local ik3v2local", ["ik3v2local"]),
    ("interface Vlan10", KEEP),
    (" description password reset desk, key 7 is on the wall", KEEP),
    (" ip address 10.0.10.1 255.255.255.0", KEEP),
    (" ip ospf authentication-key 7 111B180B101719", ["111B180B101719"]),
    (" ip ospf message-digest-key 1 md5 7 0822455D0A1652", ["0822455D0A1652"]),
    (" standby 1 ip 10.0.10.254", KEEP),
    (" standby 1 authentication md5 key-string 7 12345ABC", ["12345ABC"]),
    (" standby 2 authentication hsrpTxt", ["hsrpTxt"]),
    (" vrrp 3 authentication text vrrpTxt", ["vrrpTxt"]),
    ("interface Tunnel0", KEEP),
    (" ip nhrp authentication dmvpnK", ["dmvpnK"]),
    (" tunnel key 100", KEEP),
    ("interface Dialer1", KEEP),
    (" ppp chap password 7 13061E010803", ["13061E010803"]),
    ("router ospf 1", KEEP),
    (" area 0 authentication message-digest", KEEP),
    ("router isis", KEEP),
    (" domain-password isisDom", ["isisDom"]),
    ("router bgp 65000", KEEP),
    (" neighbor 192.0.2.3 remote-as 65001", KEEP),
    (" neighbor 192.0.2.3 password 7 05080F1C2243", ["05080F1C2243"]),
    ("key chain OSPF", KEEP),
    (" key 1", KEEP),
    ("  key-string 7 0007421507", ["0007421507"]),
    ("ip ssh version 2", KEEP),
    ("password encryption aes", KEEP),
    ("banner motd ^C", KEEP),
    ("Authorised users only. Never share your password 7 with anyone.", KEEP),
    ("^C", KEEP),
    ("line vty 0 4", KEEP),
    (" password 7 0822455D0A17", ["0822455D0A17"]),
    (" transport input ssh", KEEP),
    ("!", KEEP),
    ("end", KEEP),
]

NXOS = [
    ("!Command: show running-config", KEEP),
    ("!Running configuration last done at: Tue Sep 30 09:02:26 2025", GONE),
    ("!Time: Mon Dec  1 14:37:04 2025", GONE),
    ("", KEEP),
    ("version 10.4(5) Bios:version 05.53", KEEP),
    ("hostname n9k-leaf-1", KEEP),
    ("feature password encryption aes", KEEP),
    ("no password strength-check", KEEP),
    ("username admin password 5 $5$KHOHLN$Wz0oBz7.1yK.D5fJ0f  role network-admin",
     ["$5$KHOHLN$Wz0oBz7.1yK.D5fJ0f"]),
    ("username backup password 5 !  role network-operator", ["!"]),
    ("snmp-server user admin network-admin auth md5 0x4d1a2b3c priv aes-128 0x9f8e7d6c "
     "localizedkey", ["0x4d1a2b3c", "0x9f8e7d6c"]),
    ("snmp-server user mon network-operator auth sha AAAABBBB priv CCCCDDDD localizedV2key",
     ["AAAABBBB", "CCCCDDDD"]),
    ("snmp-server community n3xus group network-operator", ["n3xus"]),
    ("snmp-server host 192.0.2.9 traps version 2c hostcomm udp-port 162", ["hostcomm"]),
    ("snmp-server host 192.0.2.9 use-vrf management", KEEP),
    ("radius-server host 192.0.2.8 key 7 \"fewhg123\" authentication accounting",
     ['"fewhg123"']),
    ("tacacs-server key 7 \"abcdef\"", ['"abcdef"']),
    ("router bgp 65000", KEEP),
    ("  neighbor 10.1.1.1", KEEP),
    ("    remote-as 65001", KEEP),
    ("    password 3 a667d47acc18ea6b", ["a667d47acc18ea6b"]),
    ("interface Vlan20", KEEP),
    ("  ip ospf authentication-key 3 abc123def", ["abc123def"]),
    ("  ip ospf message-digest-key 2 md5 3 9125d59c18a9", ["9125d59c18a9"]),
    ("  hsrp 10", KEEP),
    ("    authentication md5 key-string hsrpk3y", ["hsrpk3y"]),
    ("    ip 10.0.20.254", KEEP),
    ("key chain BGP", KEEP),
    ("  key 0", KEEP),
    ("    key-string 7 070c285f4d06", ["070c285f4d06"]),
    ("line vty", KEEP),
    ("  exec-timeout 10", KEEP),
]

VRP = [
    ("!Software Version V200R019C10SPC500", KEEP),
    ("!Last configuration was updated at 2023-01-01 12:00:00+08:00 by admin", GONE),
    ("!Last configuration was saved at 2023-01-01 12:05:00+08:00", GONE),
    ("#", KEEP),
    (" sysname HUAWEI-S5735", KEEP),
    ("#", KEEP),
    ("aaa", KEEP),
    (" local-user admin password irreversible-cipher $1a$R`&#p$Q~AB$O;$",
     ["$1a$R`&#p$Q~AB$O;$"]),
    (" local-user old password cipher %^%#K9|(>wA$bA1%^%#", ["%^%#K9|(>wA$bA1%^%#"]),
    (" local-user tech password simple techPlain", ["techPlain"]),
    (" local-user admin privilege level 15", KEEP),
    (" local-user admin service-type ssh terminal", KEEP),
    ("#", KEEP),
    ("snmp-agent community read cipher %^%#ab=cd%^%# mib-view iso", ["%^%#ab=cd%^%#"]),
    ("snmp-agent community write oldcomm", ["oldcomm"]),
    ("snmp-agent usm-user v3 u1 authentication-mode sha cipher %@%@xyz%@%@ privacy-mode "
     "aes128 cipher %@%@uvw%@%@", ["%@%@xyz%@%@", "%@%@uvw%@%@"]),
    ("snmp-agent sys-info version v2c v3", KEEP),
    ("ssh server cipher aes256_ctr aes128_ctr", KEEP),
    ("radius-server template rad1", KEEP),
    (" radius-server shared-key cipher %^%#rad%^%#", ["%^%#rad%^%#"]),
    ("hwtacacs-server template tac1", KEEP),
    (" hwtacacs-server shared-key cipher %$%$tac$%%$%$", ["%$%$tac$%%$%$"]),
    ("ntp-service authentication-keyid 1 authentication-mode hmac-sha256 cipher %^%#ntp%^%#",
     ["%^%#ntp%^%#"]),
    ("#", KEEP),
    ("ospf 1", KEEP),
    (" area 0.0.0.0", KEEP),
    ("  authentication-mode md5 1 cipher %^%#ospf%^%#", ["%^%#ospf%^%#"]),
    ("  authentication-mode simple ospfSimple", ["ospfSimple"]),
    ("  network 10.0.0.0 0.0.0.255", KEEP),
    ("#", KEEP),
    ("bgp 100", KEEP),
    (" peer 192.0.2.1 as-number 200", KEEP),
    (" peer 192.0.2.1 password simple bgpPlain", ["bgpPlain"]),
    (" peer 192.0.2.2 password cipher %^%#bgpc%^%#", ["%^%#bgpc%^%#"]),
    ("#", KEEP),
    ("ike peer branch", KEEP),
    (" pre-shared-key cipher %^%#ikek%^%#", ["%^%#ikek%^%#"]),
    ("#", KEEP),
    ("interface GigabitEthernet0/0/1", KEEP),
    (" description uplink: cipher simple password key", KEEP),
    (" port link-type trunk", KEEP),
    ("#", KEEP),
    ("user-interface vty 0 4", KEEP),
    (" authentication-mode aaa", KEEP),
    (" set authentication password cipher %@%@vty%@%@", ["%@%@vty%@%@"]),
    ("#", KEEP),
    ("return", KEEP),
]

COMWARE = [
    ("#", KEEP),
    (" version 7.1.070, Release 6342", KEEP),
    ("#", KEEP),
    (" sysname H3C-S6520", KEEP),
    ("#", KEEP),
    (" snmp-agent", KEEP),
    (" snmp-agent community read simple publ1c", ["publ1c"]),
    (" snmp-agent community write cipher $c$3$abcdef/+==", ["$c$3$abcdef/+=="]),
    (" snmp-agent usm-user v3 u1 g1 cipher authentication-mode sha $c$3$aaa privacy-mode "
     "aes128 $c$3$bbb", ["$c$3$aaa", "$c$3$bbb"]),
    (" snmp-agent usm-user v3 u2 g1 authentication-mode md5 authPlain privacy-mode des56 "
     "privPlain", ["authPlain", "privPlain"]),
    (" ssh server enable", KEEP),
    (" ssh2 algorithm cipher aes128-ctr aes256-ctr", KEEP),
    ("#", KEEP),
    ("radius scheme r1", KEEP),
    (" primary authentication 192.0.2.30", KEEP),
    (" key authentication cipher $c$3$radkey==", ["$c$3$radkey=="]),
    (" key accounting simple acctkey", ["acctkey"]),
    ("#", KEEP),
    ("hwtacacs scheme t1", KEEP),
    (" key authorization simple tacPlain", ["tacPlain"]),
    ("#", KEEP),
    ("ospf 1", KEEP),
    (" area 0.0.0.0", KEEP),
    ("  authentication-mode md5 1 plain ospfplain", ["ospfplain"]),
    ("  authentication-mode simple cipher $c$3$ospfc", ["$c$3$ospfc"]),
    ("#", KEEP),
    ("bgp 100", KEEP),
    (" peer 192.0.2.40 password cipher $c$3$bgpc", ["$c$3$bgpc"]),
    ("#", KEEP),
    ("local-user admin class manage", KEEP),
    (" password hash $h$6$abc$def==", ["$h$6$abc$def=="]),
    (" service-type ssh", KEEP),
    (" authorization-attribute user-role network-admin", KEEP),
    ("#", KEEP),
    ("local-user old", KEEP),
    (" password cipher ]QK1P`MAF4<1!!", ["]QK1P`MAF4<1!!"]),
    (" password simple oldPlain", ["oldPlain"]),
    ("#", KEEP),
    (" super password role network-admin hash $h$6$sup$er==", ["$h$6$sup$er=="]),
    ("#", KEEP),
    ("ike keychain k1", KEEP),
    (" pre-shared-key address 192.0.2.1 255.255.255.255 key simple psk123", ["psk123"]),
    ("#", KEEP),
    ("ntp-service authentication-keyid 1 authentication-mode md5 cipher $c$3$ntp",
     ["$c$3$ntp"]),
    ("#", KEEP),
    ("interface GigabitEthernet1/0/1", KEEP),
    (" description to core, key simple", KEEP),
    ("#", KEEP),
    ("return", KEEP),
]

CASES = {"cisco_ios": IOS, "cisco_nxos": NXOS, "huawei_vrp": VRP, "hp_comware": COMWARE}


def _text(case):
    return "\n".join(line for line, _ in case) + "\n"


def _expected(case, salt=SALT):
    out = []
    for line, what in case:
        if what == GONE:
            continue
        if what != KEEP:
            for value in what:
                assert value in line
                line = line.replace(value, mask(value, salt), 1)
        out.append(line)
    while out and not out[0]:
        out.pop(0)
    return "\n".join(out) + "\n"


def _secrets(case):
    return [v for _, what in case if what not in (KEEP, GONE) for v in what]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_secrets_masked_volatile_gone_the_rest_untouched(platform):
    case = CASES[platform]
    cleaned = clean(platform, _text(case), SALT)
    assert cleaned.splitlines() == _expected(case).splitlines()
    for value in _secrets(case):
        assert mask(value, SALT) in cleaned
    # no secret value is left anywhere outside its mask (values of 4 characters or more)
    stripped = re.sub(r"<secret sha256:[0-9a-f]{12}>", "", cleaned)
    for value in _secrets(case):
        if len(value) >= 4:
            assert value not in stripped, value


@pytest.mark.parametrize("platform", PLATFORMS)
def test_same_secret_same_mask_changed_secret_other_mask(platform):
    case = CASES[platform]
    first = clean(platform, _text(case), SALT)
    assert clean(platform, _text(case), SALT) == first
    # change one secret: exactly that line changes, and its mask with it
    index = next(i for i, (_, what) in enumerate(case) if what not in (KEEP, GONE))
    line, values = case[index]
    old = values[0]
    new = old[:-1] + ("X" if old[-1] != "X" else "Y")
    changed = list(case)
    changed[index] = (line.replace(old, new, 1), [new] + values[1:])
    second = clean(platform, _text(changed), SALT)
    diff = [(a, b) for a, b in zip(first.splitlines(), second.splitlines(), strict=True) if a != b]
    assert len(diff) == 1
    assert mask(old, SALT) in diff[0][0] and mask(new, SALT) in diff[0][1]
    assert mask(old, SALT) != mask(new, SALT)


def test_the_salt_changes_every_mask_and_is_required():
    text = "enable secret 5 $1$abc$def\n"
    assert clean("cisco_ios", text, "a") != clean("cisco_ios", text, "b")
    with pytest.raises(ValueError, match="salt"):
        clean("cisco_ios", text, "")
    with pytest.raises(ValueError, match="unknown platform"):
        clean("junos", text, SALT)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_cleaning_twice_changes_nothing(platform):
    once = clean(platform, _text(CASES[platform]), SALT)
    assert clean(platform, once, SALT) == once
    assert clean(platform, once, "another salt") == once  # masks are never masked again


def test_mask_shape():
    assert re.fullmatch(r"<secret sha256:[0-9a-f]{12}>", mask("x", SALT))
    import hashlib

    assert mask("x", SALT)[15:-1] == hashlib.sha256((SALT + "x").encode()).hexdigest()[:12]


def test_terminal_noise_removed():
    ios = ("sw1#show running-config\r\nBuilding configuration...\r\n\r\n"
           "Current configuration : 120 bytes\r\n!\r\nhostname sw1\r\n"
           " --More-- \x08\x08\x08\x08\x08\x08\x08\x08\x08\x08          "
           "\x08\x08\x08\x08\x08\x08\x08\x08\x08\x08interface Gi0/1\r\n shutdown   \r\n"
           "end\r\n\r\nsw1#")
    assert clean("cisco_ios", ios, SALT) == "!\nhostname sw1\ninterface Gi0/1\n shutdown\nend\n"
    vrp = ("<HUAWEI>display current-configuration\n#\n sysname HUAWEI\n"
           "  ---- More ----\x1b[42D                                          \x1b[42D"
           "interface Vlanif1\n#\nreturn\n<HUAWEI>")
    assert clean("huawei_vrp", vrp, SALT) == "#\n sysname HUAWEI\ninterface Vlanif1\n#\nreturn\n"
    comware = "<H3C>dis cur\n#\n sysname H3C\n#\nreturn\n<H3C>"
    assert clean("hp_comware", comware, SALT) == "#\n sysname H3C\n#\nreturn\n"
    nxos = "n9k# show running-config\n\n!Command: show running-config\nhostname n9k\n\nn9k# "
    assert clean("cisco_nxos", nxos, SALT) == "!Command: show running-config\nhostname n9k\n"
    assert clean("cisco_ios", "\r\n\r\n", SALT) == ""


# the saved-state sources print configuration lines under a diff's marker: IOS "show archive
# config differences" ("+line", " +line" inside a parent), NX-OS "show running-config diff"
# (a context diff: "+ line", "- line", "! line"); their secrets are masked all the same
IOS_DIFF = [
    ("!Contextual Config Diffs:", KEEP),
    ("+snmp-server community S3cr3tRW RW 10", ["S3cr3tRW"]),
    ("-snmp-server community 0ldComm RO", ["0ldComm"]),
    ("+snmp-server host 10.1.1.1 version 2c S3cr3tRW", ["S3cr3tRW"]),
    ("+snmp-server user u g v3 auth sha AuthPass1 priv aes 128 PrivPass1",
     ["AuthPass1", "PrivPass1"]),
    ("+ntp authentication-key 1 md5 104D000A0618 7", ["104D000A0618"]),
    ("+tacacs server TAC1", KEEP),
    (" +key 7 060506324F41", ["060506324F41"]),
    ("interface GigabitEthernet1/0/5", KEEP),
    (" +spanning-tree bpduguard enable", KEEP),
]
NXOS_DIFF = [
    ("*** Startup-config", KEEP),
    ("--- Running-config", KEEP),
    ("***************", KEEP),
    ("*** 48,53 ****", KEEP),
    ("--- 48,54 ----", KEEP),
    ("+ snmp-server community NxComm01 group network-operator", ["NxComm01"]),
    ("+ snmp-server user admin network-admin auth md5 0x1234abcd priv 0x5678ef01 localizedkey",
     ["0x1234abcd", "0x5678ef01"]),
    ("! snmp-server host 192.0.2.9 traps version 2c NxHost01", ["NxHost01"]),
    ("+ ntp authentication-key 1 md5 NxNtpKey1 7", ["NxNtpKey1"]),
    ("  interface Ethernet1/4", KEEP),
    ("+   spanning-tree bpduguard enable", KEEP),
]


@pytest.mark.parametrize("platform,case", [("cisco_ios", IOS_DIFF), ("cisco_nxos", NXOS_DIFF)])
def test_secrets_in_a_diff_are_masked(platform, case):
    cleaned = clean(platform, _text(case), SALT)
    assert cleaned.splitlines() == _expected(case).splitlines()
    stripped = re.sub(r"<secret sha256:[0-9a-f]{12}>", "", cleaned)
    for value in _secrets(case):
        assert value not in stripped, value


@pytest.mark.parametrize("platform,line,secret", [
    ("huawei_vrp", "local-user z password Hunter2x", "Hunter2x"),
    ("huawei_vrp", "hwtacacs-server shared-key TacKey99", "TacKey99"),
    ("huawei_vrp", "radius-server shared-key RadKey77", "RadKey77"),
    ("hp_comware", " key authentication AuthKey55", "AuthKey55"),
    ("huawei_vrp", "ntp-service authentication-keyid 2 authentication-mode md5 NtpKey33",
     "NtpKey33"),
    ("hp_comware", " vrrp vrid 1 authentication-mode md5 VrrpKey11", "VrrpKey11"),
])
def test_bare_secrets_of_older_releases_are_masked(platform, line, secret):
    cleaned = clean(platform, f"#\n{line}\n#\nreturn\n", "salt")
    assert secret not in cleaned and "<secret sha256:" in cleaned, cleaned
