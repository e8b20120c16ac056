# Owning over time (issue 16): a dated comparison follows each strategy's
# cash month by month: a pool bought on a date (in cash, or on a loan), its
# idle hours rented out, its resale at the horizon; rent and reserved
# commitments as they are paid; the present cost at a discount rate and the
# month owning breaks even against renting the same work.
$ printf 'strategies { name: "rent" on_demand: true }\nstrategies { name: "own" committed: "owned" committed_gpus: 2048 purchased_on: "2024-12-01" }\nstrategies { name: "own, loan, rent out" committed: "owned" committed_gpus: 2048 purchased_on: "2024-12-01" committed_pricing: "owned-epoch" loan_rate_per_year: 0.08 loan_years: 3 rent_out_idle_share: 0.5 rent_out_discount: 0.3 }\nstrategies { name: "reserve" committed: "reserved" committed_gpus: 2048 }\n' > "$TMP/s.textproto"
$ gpuledger compare traces/deepseek-v3-r1.textproto --strategies "$TMP/s.textproto" --start-date 2024-12-26 --horizon 1y --discount-rate 8%
> compare: deepseek-v3-r1 (2,048 H800 planned), 4 strategies, fcfs
>
> strategy             capacity            total USD  USD/productive GPU-h  amortized USD    capital USD  utilization  makespan d  break-even util.  break-even months  pretrain done d  context_extension done d  sft done d  rl done d  data done d
> rent                 on-demand        5,870,002.35                2.0000   5,870,002.35              -            -       68.58                 -                  -            54.20                     56.62       56.72      68.58        65.25
> own                  owned 2,048     14,515,386.99                4.9456   2,373,042.30  51,200,000.00       16.35%       68.68            40.43%              147.9            54.20                     56.62       56.72      68.68        65.35
> own, loan, rent out  owned 2,048     13,123,202.32                4.4713   2,145,441.54  62,976,403.05       16.35%       68.68            36.55%              181.9            54.20                     56.62       56.72      68.68        65.35
> reserve              reserved 2,048  26,929,152.00                9.1752  26,929,152.00              -       16.35%       68.68            75.00%                  -            54.20                     56.62       56.72      68.68        65.35
>
> total USD: what each strategy pays over its horizon (its replay, or --horizon: 365.25 days at most), committed capacity whether used or not;
> amortized USD: owned capacity charged only for the GPU-hours the plan used;
> break-even util.: the utilization of committed GPUs at which they cost what renting on demand does;
> break-even months: months of use, at this utilization, after which owning has cost less cash than renting.
>
> cash flow, 2024-12 to 2025-12 (by month: --cash-flow):
> strategy                  paid USD   received USD        net USD  present cost USD at 8.00%     resale USD  book value USD  cash break-even
> rent                  5,870,002.35           0.00   5,870,002.35               5,821,508.40              -               -  -
> own                  53,032,798.82  37,523,887.75  15,508,911.07              18,220,594.43  37,523,887.75   37,523,887.75  never
> own, loan, rent out  69,148,305.04  55,999,358.51  13,148,946.53              12,673,455.55  44,626,761.73   50,787,765.30  never
> reserve              26,929,152.00           0.00  26,929,152.00              25,863,784.93              -               -  never
>
> paid: purchases, loan payments, rent, reserved commitments, energy and operations; received: idle capacity rented out and the hardware's resale at the horizon;
> present cost: each month's net discounted to the first month's start;
> cash break-even: the month from which cumulative net cash stays at or below renting the same GPU-hours on demand.
> runs not kept: give --ledger FILE to keep one run per strategy
$ gpuledger compare traces/deepseek-v3-r1.textproto --strategies "$TMP/s.textproto" --start-date 2024-12-26 --horizon 90d --cash-flow --format csv
> strategy,committed,committed_gpus,on_demand,total_usd,usd_per_productive_gpu_hour,amortized_usd,on_demand_usd,committed_usd,capital_usd,committed_utilization,makespan_days,horizon_days,breakeven_utilization,breakeven_months,resized_jobs,run,finish_days_pretrain,finish_days_context_extension,finish_days_sft,finish_days_rl,finish_days_data,cash_net_usd,present_cost_usd,cash_breakeven_month
> rent,,0,yes,5870002.35,2.000000,5870002.35,5870002.35,0.00,0.00,0.000000,68.5832,90.0000,,,0,1,54.1992,56.6203,56.7220,68.5832,65.2466,5870002.35,5870002.35,
> own,owned,2048,no,3576686.73,1.218632,2373042.30,0.00,3576686.73,51200000.00,0.663475,68.6849,90.0000,0.404266,27.792,0,2,54.1992,56.6203,56.7220,68.6849,65.3483,4570210.82,4570210.82,2025-03
> "own, loan, rent out",owned,2048,no,3233643.28,1.101752,2145441.54,0.00,3233643.28,62976403.05,0.663475,68.6849,90.0000,0.365492,34.184,0,3,54.1992,56.6203,56.7220,68.6849,65.3483,5944458.77,5944458.77,never
> reserve,reserved,2048,no,26929152.00,9.175176,26929152.00,0.00,26929152.00,0.00,0.663475,68.6849,90.0000,0.750000,,0,4,54.1992,56.6203,56.7220,68.6849,65.3483,26929152.00,26929152.00,never
> strategy,month,purchase_usd,loan_usd,rent_usd,reserved_usd,energy_usd,operations_usd,rent_out_usd,resale_usd,net_usd,cumulative_usd,rent_same_work_cumulative_usd
> rent,2024-12,0.00,0.00,589824.00,0.00,0.00,0.00,0.00,0.00,589824.00,589824.00,589824.00
> rent,2025-01,0.00,0.00,3047424.00,0.00,0.00,0.00,0.00,0.00,3047424.00,3637248.00,3637248.00
> rent,2025-02,0.00,0.00,2144693.76,0.00,0.00,0.00,0.00,0.00,2144693.76,5781941.76,5781941.76
> rent,2025-03,0.00,0.00,88060.59,0.00,0.00,0.00,0.00,0.00,88060.59,5870002.35,5870002.35
> own,2024-12,51200000.00,0.00,0.00,0.00,145590.68,0.00,0.00,0.00,51345590.68,51345590.68,589824.00
> own,2025-01,0.00,0.00,0.00,0.00,145590.68,0.00,0.00,0.00,145590.68,51491181.36,3637248.00
> own,2025-02,0.00,0.00,0.00,0.00,131501.26,0.00,0.00,0.00,131501.26,51622682.62,5779441.49
> own,2025-03,0.00,0.00,0.00,0.00,117411.84,0.00,0.00,47169883.64,-47052471.80,4570210.82,5870002.35
> "own, loan, rent out",2024-12,0.00,0.00,0.00,0.00,145590.68,0.00,860160.00,0.00,-714569.32,-714569.32,589824.00
> "own, loan, rent out",2025-01,0.00,1973451.58,0.00,0.00,145590.68,0.00,0.00,0.00,2119042.26,1404472.94,3637248.00
> "own, loan, rent out",2025-02,0.00,1973451.58,0.00,0.00,131501.26,0.00,213611.48,0.00,1891341.36,3295814.31,5779441.49
> "own, loan, rent out",2025-03,0.00,60257886.72,0.00,0.00,117411.84,0.00,828463.70,56898190.40,2648644.46,5944458.77,5870002.35
> reserve,2024-12,0.00,0.00,0.00,442368.00,0.00,0.00,0.00,0.00,442368.00,442368.00,589824.00
> reserve,2025-01,0.00,0.00,0.00,2285568.00,0.00,0.00,0.00,0.00,2285568.00,2727936.00,3637248.00
> reserve,2025-02,0.00,0.00,0.00,2064384.00,0.00,0.00,0.00,0.00,2064384.00,4792320.00,5779441.49
> reserve,2025-03,0.00,0.00,0.00,22136832.00,0.00,0.00,0.00,0.00,22136832.00,26929152.00,5870002.35
# Refused, naming what is wrong: no date to follow, a purchase after the
# work starts, a rate that is not one.
$ gpuledger compare traces/deepseek-v3-r1.textproto --cash-flow
2> gpuledger: traces/deepseek-v3-r1.textproto: --cash-flow needs a dated plan (its cash flow is by calendar month): give the plan a start_date, or --start-date
? 2
$ printf 'strategies { name: "late" committed: "owned" committed_gpus: 2048 purchased_on: "2025-01-15" }\n' > "$TMP/late.textproto"
$ gpuledger compare traces/deepseek-v3-r1.textproto --strategies "$TMP/late.textproto" --start-date 2024-12-26
2> gpuledger: $TMP/late.textproto:1:67: strategy "late": field purchased_on (2025-01-15T00:00:00Z) is after the plan's start (2024-12-26T00:00:00Z): the pool must be there when the work starts
? 2
$ gpuledger compare traces/deepseek-v3-r1.textproto --start-date 2024-12-26 --discount-rate 120%
2> gpuledger: --discount-rate: "120%" is not a yearly rate from 0 to 100% such as 8% or 0.08
? 2
# A comparison kept in a ledger is reported again as it was priced: its
# table and its cash flow by month (or CSV); runs' options do not apply.
$ gpuledger compare traces/deepseek-v3-r1.textproto --strategies "$TMP/s.textproto" --start-date 2024-12-26 --horizon 90d --ledger "$TMP/l.sqlite" > /dev/null
$ gpuledger report --ledger "$TMP/l.sqlite" --comparison 1
> comparison 1: deepseek-v3-r1, 4 strategies
>
> strategy             capacity            total USD  USD/productive GPU-h  amortized USD    capital USD  utilization  makespan d  break-even util.  break-even months  pretrain done d  context_extension done d  sft done d  rl done d  data done d
> rent                 on-demand        5,870,002.35                2.0000   5,870,002.35              -            -       68.58                 -                  -            54.20                     56.62       56.72      68.58        65.25
> own                  owned 2,048      3,576,686.73                1.2186   2,373,042.30  51,200,000.00       66.35%       68.68            40.43%               27.8            54.20                     56.62       56.72      68.68        65.35
> own, loan, rent out  owned 2,048      3,233,643.28                1.1018   2,145,441.54  62,976,403.05       66.35%       68.68            36.55%               34.2            54.20                     56.62       56.72      68.68        65.35
> reserve              reserved 2,048  26,929,152.00                9.1752  26,929,152.00              -       66.35%       68.68            75.00%                  -            54.20                     56.62       56.72      68.68        65.35
>
> total USD: what each strategy pays over its horizon (its replay, or --horizon: 90.00 days at most), committed capacity whether used or not;
> amortized USD: owned capacity charged only for the GPU-hours the plan used;
> break-even util.: the utilization of committed GPUs at which they cost what renting on demand does;
> break-even months: months of use, at this utilization, after which owning has cost less cash than renting.
>
> cash flow, 2024-12 to 2025-03 (by month: --cash-flow):
> strategy                  paid USD   received USD        net USD  present cost USD at 0.00%     resale USD  book value USD  cash break-even
> rent                  5,870,002.35           0.00   5,870,002.35               5,870,002.35              -               -  -
> own                  51,740,094.46  47,169,883.64   4,570,210.82               4,570,210.82  47,169,883.64   47,169,883.64  2025-03
> own, loan, rent out  64,744,884.34  58,800,425.58   5,944,458.77               5,944,458.77  56,898,190.40   59,384,619.98  never
> reserve              26,929,152.00           0.00  26,929,152.00              26,929,152.00              -               -  never
>
> paid: purchases, loan payments, rent, reserved commitments, energy and operations; received: idle capacity rented out and the hardware's resale at the horizon;
> present cost: each month's net discounted to the first month's start;
> cash break-even: the month from which cumulative net cash stays at or below renting the same GPU-hours on demand.
>
> rent (USD):
> month    purchase  loan          rent  reserved  energy  operations  rent out  resale           net    cumulative  renting same work
> 2024-12      0.00  0.00    589,824.00      0.00    0.00        0.00      0.00    0.00    589,824.00    589,824.00         589,824.00
> 2025-01      0.00  0.00  3,047,424.00      0.00    0.00        0.00      0.00    0.00  3,047,424.00  3,637,248.00       3,637,248.00
> 2025-02      0.00  0.00  2,144,693.76      0.00    0.00        0.00      0.00    0.00  2,144,693.76  5,781,941.76       5,781,941.76
> 2025-03      0.00  0.00     88,060.59      0.00    0.00        0.00      0.00    0.00     88,060.59  5,870,002.35       5,870,002.35
>
> own (USD):
> month         purchase  loan  rent  reserved      energy  operations  rent out         resale             net     cumulative  renting same work
> 2024-12  51,200,000.00  0.00  0.00      0.00  145,590.68        0.00      0.00           0.00   51,345,590.68  51,345,590.68         589,824.00
> 2025-01           0.00  0.00  0.00      0.00  145,590.68        0.00      0.00           0.00      145,590.68  51,491,181.36       3,637,248.00
> 2025-02           0.00  0.00  0.00      0.00  131,501.26        0.00      0.00           0.00      131,501.26  51,622,682.62       5,779,441.49
> 2025-03           0.00  0.00  0.00      0.00  117,411.84        0.00      0.00  47,169,883.64  -47,052,471.80   4,570,210.82       5,870,002.35
>
> own, loan, rent out (USD):
> month    purchase           loan  rent  reserved      energy  operations    rent out         resale           net    cumulative  renting same work
> 2024-12      0.00           0.00  0.00      0.00  145,590.68        0.00  860,160.00           0.00   -714,569.32   -714,569.32         589,824.00
> 2025-01      0.00   1,973,451.58  0.00      0.00  145,590.68        0.00        0.00           0.00  2,119,042.26  1,404,472.94       3,637,248.00
> 2025-02      0.00   1,973,451.58  0.00      0.00  131,501.26        0.00  213,611.48           0.00  1,891,341.36  3,295,814.31       5,779,441.49
> 2025-03      0.00  60,257,886.72  0.00      0.00  117,411.84        0.00  828,463.70  56,898,190.40  2,648,644.46  5,944,458.77       5,870,002.35
>
> reserve (USD):
> month    purchase  loan  rent       reserved  energy  operations  rent out  resale            net     cumulative  renting same work
> 2024-12      0.00  0.00  0.00     442,368.00    0.00        0.00      0.00    0.00     442,368.00     442,368.00         589,824.00
> 2025-01      0.00  0.00  0.00   2,285,568.00    0.00        0.00      0.00    0.00   2,285,568.00   2,727,936.00       3,637,248.00
> 2025-02      0.00  0.00  0.00   2,064,384.00    0.00        0.00      0.00    0.00   2,064,384.00   4,792,320.00       5,779,441.49
> 2025-03      0.00  0.00  0.00  22,136,832.00    0.00        0.00      0.00    0.00  22,136,832.00  26,929,152.00       5,870,002.35
$ gpuledger report --ledger "$TMP/l.sqlite" --comparison 1 --format csv | tail -3
> reserve,2025-01,0.00,0.00,0.00,2285568.00,0.00,0.00,0.00,0.00,2285568.00,2727936.00,3637248.00
> reserve,2025-02,0.00,0.00,0.00,2064384.00,0.00,0.00,0.00,0.00,2064384.00,4792320.00,5779441.49
> reserve,2025-03,0.00,0.00,0.00,22136832.00,0.00,0.00,0.00,0.00,22136832.00,26929152.00,5870002.35
$ gpuledger report --ledger "$TMP/l.sqlite" --comparison 1 --by month
2> gpuledger: --comparison prints a comparison as compare priced it; --pricing, --by and --view are for runs
? 2
$ gpuledger report --ledger "$TMP/l.sqlite" --comparison 2
2> gpuledger: no comparison 2 in the ledger
? 2
