#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""make bench's report: one table (stdout and bench.txt), the figures as
JSON (bench.json) and a chart (bench.png, drawn with gnuplot).

Inputs: the vm-run log of tests/bench/guest.sh (BENCHRES/BENCHJSON lines),
the model's "stats" line saved per run by tests/bench/host.sh, and
tests/bench/core-cost's JSON.  See tests/bench/README.md for every column.
"""
import argparse
import json
import os
import re
import subprocess
import sys

JOBS = ['randread-qd1', 'randread-qd32', 'randwrite-qd32', 'seqread-128k-qd8']
# also run when asked for (run --jobs); the table's order
ALL_JOBS = ['randread-qd1', 'randread-qd2', 'randread-qd4', 'randread-qd8',
            'randread-qd32', 'randwrite-qd32', 'seqread-128k-qd8']
TARGET_JOB = 'randread-qd32'
PEERS = ['scsi_debug', 'null_blk', 'virtio-scsi', 'megasas-gen2']
ACXXX = ['acxxx-6201-intx', 'acxxx-6201-msi', 'acxxx-6240-intx',
         'acxxx-6240-msi', 'acxxx-6232-intx', 'acxxx-6232-msi']
USER_HZ = 100          # /proc/stat's unit
DIALECT = {'6201': '341', '6101': '341', '6232': '2208', '6233': '2208',
           '6235': '2208', '6300': '2208', '6240': '3108', '6262': '3108'}
# Issue 9, section 2, at 4 KiB random read QD32.
TARGET_RPI = 8.0
TARGET_READS = {'341': 1.13, '2208': 2.3, '3108': 2.3}
TARGET_LOCKS = 2.0
TARGET_CORE_4K = 300


def parse_stats(path):
    with open(path, encoding='utf-8') as f:
        line = f.read().strip()
    if not line.startswith('ok'):
        raise ValueError('%s: %s' % (path, line[:80]))
    st = {}
    for w in line.split()[1:]:
        k, _, v = w.partition('=')
        try:
            st[k] = int(v, 0)
        except ValueError:
            st[k] = v
    return st


def dialect_of(dev):
    m = re.match(r'acxxx-([0-9a-f]{4})-', dev)
    return DIALECT.get(m.group(1)) if m else None


def read_floor(dialect, n):
    """Register reads per I/O the protocol needs with n replies per interrupt
    (issue 9): 341, one REPLY_PORT read per reply plus the empty one per
    batch; 2208/3108, plus one REQUEST_PORT read per post and one
    OUT_DOORBELL read per interrupt."""
    if not n:
        return None
    if dialect == '341':
        return (n + 1) / n
    return 1 + (n + 1) / n + 1 / n


def pct(d, p):
    for k, v in (d or {}).items():
        if abs(float(k) - p) < 1e-6:
            return v / 1000.0
    return None


def one_run(fio, res, st):
    """The figures of one fio run (and the model's counters for acxxx)."""
    job = fio['jobs'][0]
    rd, wr = job['read'], job['write']
    ios = rd['total_ios'] + wr['total_ios']
    main = rd if rd['total_ios'] >= wr['total_ios'] else wr
    perc = (main.get('clat_ns') or {}).get('percentile')
    r = {
        'ios': ios,
        'iops': rd['iops'] + wr['iops'],
        'mbps': (rd['bw_bytes'] + wr['bw_bytes']) / 1e6,
        'p50_us': pct(perc, 50), 'p99_us': pct(perc, 99),
        'cpu_us_per_io': (res['busy'] * 1e6 / USER_HZ / ios) if ios else None,
        'locks_per_io': (res['locks'] / ios if ios and res['locks'] is not None
                         else None),
        'fio_error': job.get('error', 0),
    }
    if st is not None and ios:
        reads = sum(v for k, v in st.items() if k.startswith('rd_'))
        writes = sum(v for k, v in st.items() if k.startswith('wr_'))
        irqs = st.get('intx', 0) + st.get('msi', 0)
        r.update({
            'reg_reads_per_io': reads / ios,
            'reg_writes_per_io': writes / ios,
            'request_port_reads_per_io': st.get('rd_REQUEST_PORT', 0) / ios,
            'reply_port_reads_per_io': st.get('rd_REPLY_PORT', 0) / ios,
            'out_doorbell_reads_per_io': st.get('rd_OUT_DOORBELL', 0) / ios,
            'interrupts_per_io': irqs / ios,
            'intx': st.get('intx', 0), 'msi': st.get('msi', 0),
            'irq_edges': st.get('irqs_raised', 0),
            'replies_per_interrupt': st.get('reply_pops', 0) / irqs if irqs else None,
            'replies_per_edge': (st.get('reply_pops', 0) / st['irqs_raised']
                                 if st.get('irqs_raised') else None),
            'reply_empty_per_io': st.get('reply_empty', 0) / ios,
            'posts': st.get('posts', 0),
            'dma_read_bytes_per_io': st.get('dma_read_bytes', 0) / ios,
            'dma_write_bytes_per_io': st.get('dma_write_bytes', 0) / ios,
            'replies_per_interrupt_histogram': {
                k[4:]: v for k, v in st.items() if k.startswith('rpi_')},
        })
    return r


def mean(vals):
    vals = [v for v in vals if v is not None]
    return sum(vals) / len(vals) if vals else None


def load(args):
    res, fio, devices = {}, {}, []
    errors = []
    with open(args.vm_log, encoding='utf-8', errors='replace') as f:
        for line in f:
            line = line.rstrip('\r\n')
            if line.startswith('bench:   '):
                devices.append(line.split()[1])
            elif line.startswith('BENCHRES '):
                w = line.split()
                kv = dict(x.split('=', 1) for x in w[4:])
                res[(w[1], w[2], int(w[3]))] = {
                    'busy': int(kv['busy']), 'total': int(kv['total']),
                    'locks': None if kv['locks'] == 'n/a' else int(kv['locks'])}
            elif line.startswith('BENCHJSON '):
                w = line.split(' ', 4)
                try:
                    fio[(w[1], w[2], int(w[3]))] = json.loads(w[4])
                except (ValueError, IndexError) as e:
                    errors.append('fio JSON of %s %s run %s: %s'
                                  % (w[1], w[2], w[3], e))
    rows = []
    for dev in devices:
        for job in args.jobs:
            runs = []
            for n in range(1, args.runs + 1):
                key = (dev, job, n)
                if key not in fio or key not in res:
                    errors.append('no result for %s %s run %d' % key)
                    continue
                st = None
                if dev.startswith('acxxx-'):
                    p = os.path.join(args.stats, '%s.%s.%d' % key)
                    try:
                        st = parse_stats(p)
                    except (OSError, ValueError) as e:
                        errors.append('model stats: %s' % e)
                runs.append(one_run(fio[key], res[key], st))
            if not runs:
                continue
            row = {'device': dev, 'job': job, 'runs': runs,
                   'mean': {k: mean([r.get(k) for r in runs])
                            for k in runs[0] if not isinstance(runs[0][k], dict)}}
            d = dialect_of(dev)
            if d:
                # the device's batches: pops per rising edge of its interrupt
                # condition (a re-asserted or spurious INTx is no batch)
                n = row['mean'].get('replies_per_edge')
                row['dialect'] = d
                row['floor'] = {'reg_reads_per_io': read_floor(d, n),
                                'reg_writes_per_io': 1.0,
                                'at_replies_per_edge': n}
                if job == TARGET_JOB:
                    row['target'] = {'replies_per_interrupt_min': TARGET_RPI,
                                     'reg_reads_per_io_max': TARGET_READS[d],
                                     'locks_per_io_max': TARGET_LOCKS}
            rows.append(row)
    return devices, rows, errors


def f(v, fmt='%.2f'):
    return '-' if v is None else fmt % v


def verdict(v, limit, le=True):
    if v is None:
        return ''
    return ' ok' if (v <= limit if le else v >= limit) else ' MISS'


def table(rows, core, meta):
    out = []
    hdr = ('%-16s %-16s %8s %7s %13s %7s | %6s %6s %9s | %6s %6s | %6s %12s | %13s'
           % ('device', 'job', 'IOPS', 'MB/s', 'p50/p99 us', 'CPU/IO',
              'rd/IO', 'floor', 'target', 'wr/IO', 'irq/IO', 'rpl/irq'.rjust(6),
              'target', 'locks/IO tgt'))
    out.append(hdr)
    out.append('-' * len(hdr))
    last = None
    for r in rows:
        m = r['mean']
        if last and last != r['device']:
            out.append('')
        last = r['device']
        lat = '%s/%s' % (f(m.get('p50_us'), '%.0f'), f(m.get('p99_us'), '%.0f'))
        s = '%-16s %-16s %8s %7s %13s %7s' % (
            r['device'], r['job'], f(m['iops'], '%.0f'), f(m['mbps'], '%.1f'),
            lat, f(m.get('cpu_us_per_io'), '%.0fus'))
        if r['device'].startswith('acxxx-'):
            t = r.get('target', {})
            rd = m.get('reg_reads_per_io')
            rpi = m.get('replies_per_interrupt')
            lk = m.get('locks_per_io')
            rd_t = ('<=%.2f%s' % (t['reg_reads_per_io_max'],
                                  verdict(rd, t['reg_reads_per_io_max']))
                    if t else '')
            rpi_t = ('>=%.0f%s' % (t['replies_per_interrupt_min'],
                                   verdict(rpi, t['replies_per_interrupt_min'], False))
                     if t else '')
            lk_s = 'n/a' if lk is None else '%.2f' % lk
            if t:
                lk_s += ' <=%.0f%s' % (t['locks_per_io_max'],
                                       verdict(lk, t['locks_per_io_max']) if lk is not None else '')
            s += ' | %6s %6s %9s | %6s %6s | %6s %12s | %13s' % (
                f(rd), f(r['floor']['reg_reads_per_io']), rd_t,
                f(m.get('reg_writes_per_io')), f(m.get('interrupts_per_io')),
                f(rpi), rpi_t, lk_s)
        out.append(s.rstrip())
    out.append('')
    out.append('rd/IO, wr/IO: register reads and writes per I/O (model counters);'
               ' floor: the protocol\'s reads per I/O for the measured batch N,')
    out.append('replies per rising edge of the interrupt condition (341: (N+1)/N;'
               ' 2208/3108: 1 + (N+1)/N + 1/N); irq/IO: INTx assertions + MSI')
    out.append('messages per I/O; rpl/irq: replies popped per signalled interrupt;'
               ' locks/IO: hba->lock acquisitions per I/O')
    out.append('(bench_lock_acquisitions; n/a: the driver has no counter);')
    out.append('CPU/IO: guest CPU time (all vCPUs, /proc/stat) per I/O. Targets'
               ' (issue 9) at %s; mean of %d run(s) of %d s each.'
               % (TARGET_JOB, meta['runs'], meta.get('runtime', 0)))
    if core:
        out.append('')
        out.append('%-10s %-8s %14s %10s' % ('core', 'dialect', 'instr/I/O', 'target'))
        for c in core:
            tgt = ''
            if c.get('target'):
                tgt = '<=%d%s' % (c['target'], verdict(c['core_instructions_per_io'],
                                                       c['target']))
            out.append('%-10s %-8s %14.1f %10s' % (c['mode'], c['dialect'],
                                                   c['core_instructions_per_io'], tgt))
        out.append('core: instructions executed in core/*.c functions (inclusive)'
                   ' and core/*.h inlined, per I/O, callgrind on the loop test')
        out.append('(-O2, no sanitizer); mix = the loop test\'s mix, simple-4k ='
                   ' single-segment 4 KiB reads only.')
    return '\n'.join(out)


def chart(rows, out_dir, jobs):
    """bench.png: IOPS per device and job (log scale), and the acxxx rows'
    register accesses and interrupts per I/O at randread-qd32 with the
    floor and the target."""
    devs = []
    for r in rows:
        if r['device'] not in devs:
            devs.append(r['device'])
    byk = {(r['device'], r['job']): r for r in rows}
    d1 = os.path.join(out_dir, 'chart-iops.dat')
    with open(d1, 'w', encoding='utf-8') as fh:
        fh.write('device ' + ' '.join(jobs) + '\n')
        for d in devs:
            vals = []
            for j in jobs:
                r = byk.get((d, j))
                vals.append('%.1f' % r['mean']['iops'] if r and r['mean']['iops'] else '1')
            fh.write('"%s" %s\n' % (d, ' '.join(vals)))
    d2 = os.path.join(out_dir, 'chart-regs.dat')
    nacx = 0
    with open(d2, 'w', encoding='utf-8') as fh:
        # no header line: the plot's titles are explicit
        for d in devs:
            r = byk.get((d, TARGET_JOB))
            if not r or not d.startswith('acxxx-'):
                continue
            m = r['mean']
            nacx += 1
            fh.write('"%s" %s %s %s %s %s\n' % (
                d, f(m.get('reg_reads_per_io'), '%.3f').replace('-', '0'),
                f(m.get('reg_writes_per_io'), '%.3f').replace('-', '0'),
                f(m.get('interrupts_per_io'), '%.3f').replace('-', '0'),
                f(r['floor']['reg_reads_per_io'], '%.3f').replace('-', '0'),
                f(r['target']['reg_reads_per_io_max'], '%.3f')))
    png = os.path.join(out_dir, 'bench.png')
    # one bar per job, as many as were run
    iops = ', \\\n     '.join(
        '%s using %d%s title columnheader(%d) noenhanced'
        % ('"%s"' % d1 if i == 0 else '""', i + 2, ':xtic(1)' if i == 0 else '',
           i + 2) for i in range(len(jobs)))
    gp = r'''
set terminal pngcairo size 1400,1000 font "DejaVu Sans,11"
set output "%(png)s"
set multiplot layout 2,1
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key top left horizontal
set grid ytics
set xtics rotate by -20 noenhanced
set title "fio IOPS per device (Debian 6.1 guest, 2 vCPUs, TCG; libaio, direct I/O)" noenhanced
set ylabel "IOPS (log scale)"
set logscale y
set yrange [10:*]
set xrange [-0.6:%(ndev)d - 0.4]
plot %(iops)s
unset logscale y
set yrange [0:*]
set xrange [-0.6:%(nacx)d - 0.4]
set key outside right top vertical
set title "acxxx at %(job)s: per I/O (floor: the protocol's reads at the measured replies/interrupt; target: issue 9)" noenhanced
set ylabel "per I/O"
plot "%(d2)s" using 2:xtic(1) title "register reads", \
     "" using 3 title "register writes", \
     "" using 4 title "interrupts", \
     "" using 5 title "reads floor", \
     "" using 6 title "reads target"
unset multiplot
''' % {'png': png, 'd1': d1, 'd2': d2, 'job': TARGET_JOB, 'nacx': nacx,
       'ndev': len(devs), 'iops': iops}
    if not nacx:
        gp = gp.replace('set multiplot layout 2,1', 'set multiplot layout 1,1')
        gp = gp[:gp.index('unset logscale y')] + 'unset multiplot\n'
    p = subprocess.run(['gnuplot'], input=gp, universal_newlines=True,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if p.returncode != 0:
        sys.stderr.write(p.stderr)
        return None
    return png


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    ap.add_argument('--vm-log')
    ap.add_argument('--stats')
    ap.add_argument('--core')
    ap.add_argument('--runs', type=int, default=2)
    ap.add_argument('--runtime', type=int, default=0)
    ap.add_argument('--seconds', type=int, default=0)
    ap.add_argument('--smoke', action='store_true')
    ap.add_argument('--expect', nargs='*', help='the acxxx rows to expect')
    ap.add_argument('--jobs', nargs='+', choices=ALL_JOBS, default=JOBS)
    ap.add_argument('--no-peers', action='store_true')
    a = ap.parse_args()
    a.jobs = [j for j in ALL_JOBS if j in a.jobs]
    meta = {'runs': a.runs, 'runtime': a.runtime, 'seconds': a.seconds,
            'guest': 'Debian 6.1, 2 vCPUs, QEMU TCG', 'fio': 'libaio, direct=1'}
    devices, rows, errors = [], [], []
    if a.vm_log:
        devices, rows, errors = load(a)
    core = None
    if a.core:
        with open(a.core, encoding='utf-8') as fh:
            core = json.load(fh)
    txt = table(rows, core, meta)
    print(txt)
    for e in errors:
        print('bench: warning: %s' % e)
    with open(os.path.join(a.out, 'bench.txt'), 'w', encoding='utf-8') as fh:
        fh.write(txt + '\n')
    jpath = os.path.join(a.out, 'bench.json')
    with open(jpath, 'w', encoding='utf-8') as fh:
        json.dump({'meta': meta, 'devices': devices, 'rows': rows,
                   'core': core, 'errors': errors}, fh, indent=1)
    png = chart(rows, a.out, a.jobs) if rows else None
    print('bench: table %s, JSON %s%s' % (os.path.join(a.out, 'bench.txt'), jpath,
                                          ', chart ' + png if png else ''))
    if not a.smoke:
        return 0 if (png or not rows) and not errors else 1
    # The smoke: it ran, every row is there, the JSON parses, the chart exists.
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
            print('bench-smoke: ok: %s' % what)
        else:
            failed += 1
            print('bench-smoke: FAILED: %s' % what)
    with open(jpath, encoding='utf-8') as fh:
        j = json.load(fh)
    got = {(r['device'], r['job']): r for r in j['rows']}
    for d in (a.expect or ACXXX) + ([] if a.no_peers else PEERS):
        for job in a.jobs:
            r = got.get((d, job))
            check(r is not None and (r['mean'].get('iops') or 0) > 0,
                  'row %s %s' % (d, job))
            if r is not None and d.startswith('acxxx-'):
                check(r['mean'].get('reg_reads_per_io') is not None and
                      r['mean'].get('interrupts_per_io', 0) > 0,
                      'model counters of %s %s' % (d, job))
    check(not j['errors'], 'no missing or broken result (%d)' % len(j['errors']))
    check(png is not None and os.path.getsize(png) > 10000, 'chart %s' % png)
    modes = {(c['mode'], c['dialect']) for c in (j['core'] or [])
             if c['core_instructions_per_io'] > 0}
    for mode in ('mix', 'simple-4k'):
        for d in ('3108',):
            check((mode, d) in modes, 'core instructions per I/O, %s %s' % (mode, d))
    print('bench-smoke: %d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
