"""Abbreviations and spellings that mean the same: `sg vs nacl` finds "Security group vs NACL".

Each line is one group of equivalent forms separated by `|` (lines that start with the same name
add to one group). Wherever a form appears, in an entry or in a query, the search adds the group's
concept term, so any form finds any other. Keep a group to things that really are the same: a form
that is only related (dns | route53) makes every DNS question find Route 53.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.catalog.search.terms import words

_GROUPS = """
k8s | kubernetes | kube
tf | terraform
tfstate | state file
crashloop | crashloopbackoff | crash loop | crash loop back off | crash loop backoff | crashlooping
crashloop | restart loop | keeps restarting | keep restarting | keeps crashing | keep crashing
unschedulable | failedscheduling | not scheduled | wont schedule | cant schedule | cannot schedule
imagepullbackoff | errimagepull | image pull back off | image pull backoff | image pull error
backoff | back off
oom | oomkilled | oom killed | out of memory | oom killer | exit code 137
pvc | persistent volume claim | persistentvolumeclaim
pv | persistent volume | persistentvolume
hpa | horizontal pod autoscaler | horizontalpodautoscaler | horizontal autoscaling
vpa | vertical pod autoscaler | verticalpodautoscaler
pdb | pod disruption budget | poddisruptionbudget
crd | custom resource definition
netpol | network policy | networkpolicy
configmap | config map | cm
statefulset | stateful set
daemonset | daemon set
replicaset | replica set
serviceaccount | service account
svc | service
ns | namespace
rbac | role based access control
sg | security group | securitygroup
nacl | network acl | network access control list
alb | application load balancer
nlb | network load balancer
clb | classic load balancer | elb
lb | load balancer | load balancing
asg | auto scaling group | autoscaling group
az | availability zone
vpc | virtual private cloud
igw | internet gateway
natgw | nat gateway | nat gw
tgw | transit gateway
eip | elastic ip
ecs | elastic container service
eks | elastic kubernetes service
ecr | elastic container registry
ebs | elastic block store
efs | elastic file system
s3 | simple storage service
sqs | simple queue service
sns | simple notification service
kms | key management service
ssm | parameter store | systems manager
iam | identity and access management
sso | single sign on
mfa | multi factor authentication | 2fa | two factor
waf | web application firewall
cdn | cloudfront | content delivery network
cidr | ip range
ec2 | elastic compute cloud
cicd | ci cd | continuous integration | continuous delivery | continuous deployment
gha | github actions
pr | pull request | merge request
sast | static analysis | static application security testing
dast | dynamic application security testing
sca | software composition analysis | dependency scanning
sbom | software bill of materials | bill of materials
cve | common vulnerabilities and exposures
iac | infrastructure as code
infra | infrastructure
repo | repository
db | database
env | environment
envvar | env var | environment variable
prod | production
config | configuration | cfg
creds | credentials
perms | permissions
auth | authentication | authn
authz | authorization
cert | certificate
tls | ssl
ha | high availability
dr | disaster recovery
rto | recovery time objective
rpo | recovery point objective
slo | service level objective
sli | service level indicator
sla | service level agreement
mttr | mean time to recovery | mean time to restore | mean time to repair
mttd | mean time to detect
sre | site reliability engineering
postmortem | post mortem | post incident review | pir | incident review
oncall | on call
otel | opentelemetry | open telemetry
apm | application performance monitoring
prom | prometheus
promql | prometheus query
cw | cloudwatch
memory | mem | ram
cpu | processor
disk full | no space left on device | enospc | out of disk | disk space
port in use | address already in use | eaddrinuse
netstat | ss
fd | file descriptor
cron | crontab | cronjob
venv | virtualenv | virtual environment
gil | global interpreter lock
regex | regular expression
cli | command line
yaml | yml
star | situation task action result | star method | star format
"""


def _parse(text: str) -> dict[tuple[str, ...], str]:
    forms: dict[tuple[str, ...], str] = {}
    for line in text.strip().splitlines():
        names = [name.strip() for name in line.split("|")]
        concept = "~" + names[0]
        for name in names:
            key = tuple(w.term for w in words(name))
            if key:
                forms[key] = concept
    return forms


FORMS: dict[tuple[str, ...], str] = _parse(_GROUPS)
SINGLE_WORD_FORMS: dict[str, str] = {key[0]: c for key, c in FORMS.items() if len(key) == 1}
# Forms by their first term, longest first: most words start no form, and are skipped at once.
_BY_FIRST: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _key, _concept in sorted(FORMS.items(), key=lambda item: -len(item[0])):
    _BY_FIRST.setdefault(_key[0], []).append((_key, _concept))


def concepts(terms: Sequence[str]) -> list[tuple[int, int, str]]:
    """Every (start, end, concept) where terms[start:end] is a form of a group."""
    found: list[tuple[int, int, str]] = []
    for start, term in enumerate(terms):
        for key, concept in _BY_FIRST.get(term, ()):
            end = start + len(key)
            if tuple(terms[start:end]) == key:
                found.append((start, end, concept))
    return found
