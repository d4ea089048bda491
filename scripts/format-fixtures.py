#!/usr/bin/env python3
"""Writes tests/fixtures/formats/contentctl-{4.0,4.1,4.2,4.3,5.2,5.6}: the bundled sample content (contentctl 4.4)
rewritten the way each older release accepts it (no drilldown_searches, security_domain cloud,
several observable roles, the mid-2024 data_sources/ layout with event sources), each pinning
its contentctl where real repositories do (requirements.txt, GitLab include, pyproject.toml,
GitHub workflow). Run from anywhere; it rewrites the four directories."""
import os, shutil, re
ROOT=os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
OUT=ROOT+'/tests/fixtures/formats'
def strip_key(text, key):
    out=[]; skip=False
    for line in text.split('\n'):
        if re.match(r'^%s:' % key, line): skip=True; continue
        if skip and (line.startswith(' ') or line.startswith('-') or line==''):
            if line=='' : pass
            continue
        skip=False; out.append(line)
    return '\n'.join(out)
def base(name):
    d=OUT+'/'+name
    if os.path.exists(d): shutil.rmtree(d)
    os.makedirs(d)
    for sub in ['detections','macros','stories','deployments','lookups']:
        shutil.copytree(ROOT+'/'+sub, d+'/'+sub)
    return d
def edit_detections(d, multi_roles, cloud):
    for dp,_,fs in os.walk(d+'/detections'):
        for f in fs:
            p=os.path.join(dp,f); t=open(p).read()
            t=strip_key(t,'drilldown_searches')
            if multi_roles:
                # several roles per observable, from the pre-4.3.1 list
                t=t.replace('      role:\n        - Victim\n','      role:\n        - Victim\n        - Parent Process\n',1)
                t=t.replace('      role:\n        - Attacker\n','      role:\n        - Attacker\n        - Target\n',1)
            if cloud and '/cloud/' in p:
                t=re.sub(r'security_domain: \w+','security_domain: cloud',t)
            open(p,'w').write(t)
def ds_41(d):
    # the mid-2024 layout: data_sources/<category>/<source>.yml + <category>/event_sources/*.yml
    os.makedirs(d+'/data_sources/endpoint/event_sources'); os.makedirs(d+'/data_sources/cloud/event_sources'); os.makedirs(d+'/data_sources/cim')
    open(d+'/data_sources/endpoint/sysmon.yml','w').write('''name: Sysmon
id: sysmon-windows
author: Splunk
source: XmlWinEventLog:Microsoft-Windows-Sysmon/Operational
sourcetype: xmlwineventlog
separator: EventID
supported_TA:
  name: Splunk Add-on for Sysmon
  url: https://splunkbase.splunk.com/app/5709/
  version: 4.0.0
event_names:
  - event_name: Sysmon EventID 1
  - event_name: Sysmon EventID 22
''')
    for n,fields in [('Sysmon EventID 1',['CommandLine','ParentImage','process_name','dest','user']),('Sysmon EventID 22',['QueryName','Image','dest'])]:
        stem=n.lower().replace(' ','_')
        open(d+'/data_sources/endpoint/event_sources/%s.yml'%stem,'w').write('event_name: %s\nfields:\n%s' % (n, ''.join('- %s\n'%f for f in fields)))
    open(d+'/data_sources/cloud/aws_cloudtrail.yml','w').write('''name: AWS CloudTrail
id: aws-cloudtrail
author: Splunk
source: aws_cloudtrail
sourcetype: aws:cloudtrail
separator: eventName
supported_TA:
  name: Splunk Add-on for AWS
  url: https://splunkbase.splunk.com/app/1876/
  version: 7.5.0
event_names:
  - event_name: AWS CloudTrail DeleteGroup
''')
    open(d+'/data_sources/cloud/event_sources/aws_cloudtrail_deletegroup.yml','w').write('event_name: AWS CloudTrail DeleteGroup\nfields:\n- eventName\n- userIdentity.arn\n- requestParameters.groupName\n')
    open(d+'/data_sources/cim/README.md','w').write('CIM data models (not read by contentctl 4.1).\n')

# 4.1: GitLab pin through an included file
d=base('contentctl-4.1'); edit_detections(d, True, True); ds_41(d)
os.makedirs(d+'/pipeline')
open(d+'/.gitlab-ci.yml','w').write("include:\n  - local: 'pipeline/.install-contentctl.yml'\n\nstages:\n  - validate\n")
open(d+'/pipeline/.install-contentctl.yml','w').write(".install-contentctl:\n  before_script:\n    - pip install contentctl==4.1.5\n")
# 4.0: requirements.txt pin; data_sources/ in the same layout, unread by 4.0
d=base('contentctl-4.0'); edit_detections(d, True, True); ds_41(d)
open(d+'/requirements.txt','w').write('contentctl==4.0.5\n')
# 4.2: pyproject pin; flat data sources of 4.2; several roles
d=base('contentctl-4.2'); edit_detections(d, True, True)
shutil.copytree(ROOT+'/data_sources', d+'/data_sources')
open(d+'/pyproject.toml','w').write('[project]\nname = "my-content"\nversion = "0.1.0"\ndependencies = ["contentctl==4.2.5"]\n')
# 4.3: GitHub workflow pin; one role per observable, no drilldowns, security_domain cloud
d=base('contentctl-4.3'); edit_detections(d, False, True)
shutil.copytree(ROOT+'/data_sources', d+'/data_sources')
os.makedirs(d+'/.github/workflows')
open(d+'/.github/workflows/validate.yml','w').write('name: validate\non: [push]\njobs:\n  validate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: pip install contentctl==4.3.5\n      - run: contentctl validate\n')

# 5.x: the bundled content migrated by `splforge migrate --to 5` (run by this script), with the
# keys 5.x adds by hand (story status).
import subprocess
def five(name, pin_file, pin_text, validation):
    d=base(name)
    shutil.copytree(ROOT+'/data_sources', d+'/data_sources')
    binary=os.path.join(ROOT,'target','debug','splforge')
    subprocess.run([binary,'--root',d,'migrate','--to','5'],check=True,capture_output=True)
    for f in os.listdir(d+'/stories'):
        p=d+'/stories/'+f; t=open(p).read()
        t=t.replace('\ntags:','\nstatus: production\ntags:',1); open(p,'w').write(t)
    # The one lookup and the detection using it stay out: how 5.x pairs a lookup with its
    # CSV (by file stem) is being modelled separately (issue 19).
    shutil.rmtree(d+'/lookups')
    os.remove(d+'/detections/network/windows_dns_query_to_dynamic_dns_provider.yml')
    os.remove(d+'/macros/windows_dns_query_to_dynamic_dns_provider_filter.yml')
    if validation:
        p=d+'/detections/network/windows_rundll32_dns_query.yml'; t=open(p).read()
        t=re.sub(r'\nstatus: \w+','\nstatus: validation',t,1); open(p,'w').write(t)
    if pin_file:
        os.makedirs(os.path.dirname(os.path.join(d,pin_file)) or d, exist_ok=True)
        open(os.path.join(d,pin_file),'w').write(pin_text)
five('contentctl-5.2','requirements-dev.txt','contentctl==5.2.0\npre-commit\n', True)
five('contentctl-5.6', None, None, False)
os.makedirs(ROOT+'/tests/fixtures/formats/contentctl-5.6/removed')
open(ROOT+'/tests/fixtures/formats/contentctl-5.6/removed/.gitkeep','w').write('')
