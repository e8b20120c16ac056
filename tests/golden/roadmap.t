# The shipped roadmap (issue 16): DeepSeek-V3 and R1 from December 2024,
# evaluations, a second campaign a year later, over four years: each
# strategy's total, present cost at 8%, cash break-even and cost per
# productive GPU-hour, and which assumption moves the winner
# (docs/compare.md, "The roadmap").
$ gpuledger compare traces/roadmap-2024-2028.textproto --strategies traces/strategies/roadmap.textproto --horizon 4y --discount-rate 8% --vary rental_change_per_year=-0.5..0 --vary purchase_price=0.5..1.5 --vary resale_share=0..0.6 --vary spare_utilization=0..0.8 --vary discount_rate=0..15%
> compare: roadmap-2024-2028 (2,048 H800 planned), 4 strategies, fcfs
>
> strategy             capacity                      total USD  USD/productive GPU-h   amortized USD    capital USD  utilization  makespan d  break-even util.  break-even months  pretrain done d  context_extension done d  sft done d  rl done d  data done d  eval done d
> own 2,048, resell    owned 2,048               52,492,809.28                8.6968    4,412,144.70  62,976,403.05        8.41%      433.68            36.55%              580.2           419.20                    421.62      421.72     433.68       430.35       338.00
> rent, falling        on-demand                 10,108,039.34                1.6747   10,108,039.34              -            -      433.58                 -                  -           419.20                    421.62      421.72     433.58       430.25       338.00
> reserve 1y, renewed  reserved 2,048           175,284,703.78               29.0404  175,284,703.78              -        8.41%      433.68           125.00%                  -           419.20                    421.62      421.72     433.68       430.35       338.00
> own half, burst      owned 1,024 + on-demand   35,606,694.03                5.8992    9,696,460.83  31,488,201.52        1.28%      433.60            36.55%              never           419.21                    421.64      421.75     433.60       430.27       338.00
>
> total USD: what each strategy pays over its horizon (its replay, or --horizon: 1461.00 days at most), committed capacity whether used or not;
> amortized USD: owned capacity charged only for the GPU-hours the plan used;
> break-even util.: the utilization of committed GPUs at which they cost what renting on demand does;
> break-even months: months of use, at this utilization, after which owning has cost less cash than renting.
>
> cash flow, 2024-12 to 2028-11 (by month: --cash-flow):
> strategy                   paid USD   received USD         net USD  present cost USD at 8.00%     resale USD  book value USD  cash break-even
> own 2,048, resell     69,837,950.98  17,345,141.69   52,492,809.29              56,069,429.80  17,345,141.69   17,345,141.69  never
> rent, falling         10,108,039.34           0.00   10,108,039.34               9,760,884.52              -               -  -
> reserve 1y, renewed  175,284,703.78           0.00  175,284,703.78             150,689,288.59              -               -  never
> own half, burst       44,279,264.88   8,672,570.85   35,606,694.03              37,078,779.77   8,672,570.85    8,672,570.85  never
>
> paid: purchases, loan payments, rent, reserved commitments, energy and operations; received: idle capacity rented out and the hardware's resale at the horizon;
> present cost: each month's net discounted to the first month's start;
> cash break-even: the month from which cumulative net cash stays at or below renting the same GPU-hours on demand.
>
> sensitivity: each assumption at its low and its high value, the rest as given; strategies judged by present cost at 8.00% (USD), the widest swing first:
> assumption              value  own 2,048, resell  rent, falling  reserve 1y, renewed  own half, burst  winner
> (as given)                         56,069,429.80   9,760,884.52       150,689,288.59    37,078,779.77  rent, falling
> --------------------------------------------------------------------------------------------------------------------
> purchase_price            0.5      30,996,841.11   9,760,884.52       150,689,288.59    24,542,485.42  rent, falling
> purchase_price            1.5      81,142,018.50   9,760,884.52       150,689,288.59    49,615,074.11  rent, falling
> --------------------------------------------------------------------------------------------------------------------
> discount_rate               0      52,492,809.29  10,108,039.34       175,284,703.78    35,606,694.03  rent, falling
> discount_rate            0.15      58,228,874.82   9,496,344.62       134,013,923.63    37,917,733.35  rent, falling
> --------------------------------------------------------------------------------------------------------------------
> spare_utilization           0      56,069,429.80   9,760,884.52       150,689,288.59    37,078,779.77  rent, falling
> spare_utilization         0.8      21,599,803.35   9,760,884.52       150,689,288.59    17,515,058.17  rent, falling
> --------------------------------------------------------------------------------------------------------------------
> resale_share                0      68,900,655.46   9,760,884.52       150,689,288.59    43,494,392.60  rent, falling
> resale_share              0.6      40,948,236.74   9,760,884.52       150,689,288.59    29,518,183.24  rent, falling
> --------------------------------------------------------------------------------------------------------------------
> rental_change_per_year   -0.5      56,069,429.80   8,313,556.33       150,689,288.59    35,759,197.15  rent, falling
> rental_change_per_year      0      56,069,429.80  11,585,712.33       150,689,288.59    38,748,427.84  rent, falling
> no assumption in these ranges changes the winner (rent, falling)
> runs not kept: give --ledger FILE to keep one run per strategy
# Pushed to the ends: only hardware (nearly) free moves the winner.
$ gpuledger compare traces/roadmap-2024-2028.textproto --strategies traces/strategies/roadmap.textproto --horizon 4y --discount-rate 8% --vary spare_utilization=0.9..1 --vary resale_share=0.9..1 --vary purchase_price=0..0.2 --format csv
> strategy,committed,committed_gpus,on_demand,total_usd,usd_per_productive_gpu_hour,amortized_usd,on_demand_usd,committed_usd,capital_usd,committed_utilization,makespan_days,horizon_days,breakeven_utilization,breakeven_months,resized_jobs,run,finish_days_pretrain,finish_days_context_extension,finish_days_sft,finish_days_rl,finish_days_data,finish_days_eval,cash_net_usd,present_cost_usd,cash_breakeven_month
> "own 2,048, resell",owned,2048,no,52492809.28,8.696780,4412144.70,0.00,52492809.28,62976403.05,0.084052,433.6849,1461.0000,0.365492,580.179,0,1,419.1992,421.6203,421.7220,433.6849,430.3483,338.0000,52492809.29,56069429.80,never
> "rent, falling",,0,yes,10108039.34,1.674656,10108039.34,10108039.34,0.00,0.00,0.000000,433.5832,1461.0000,,,0,2,419.1992,421.6203,421.7220,433.5832,430.2466,338.0000,10108039.34,9760884.52,
> "reserve 1y, renewed",reserved,2048,no,175284703.78,29.040406,175284703.78,0.00,175284703.78,0.00,0.084052,433.6849,1461.0000,1.250000,,0,3,419.1992,421.6203,421.7220,433.6849,430.3483,338.0000,175284703.78,150689288.59,never
> "own half, burst",owned,1024,yes,35606694.03,5.899162,9696460.83,9360289.39,26246404.64,31488201.52,0.012808,433.6040,1461.0000,0.365492,never,0,4,419.2096,421.6411,421.7533,433.6040,430.2674,338.0000,35606694.03,37078779.77,never
> assumption,value,strategy,judged_usd,wins
> ,,"own 2,048, resell",56069429.80,no
> ,,"rent, falling",9760884.52,yes
> ,,"reserve 1y, renewed",150689288.59,no
> ,,"own half, burst",37078779.77,no
> purchase_price,0,"own 2,048, resell",5924252.42,yes
> purchase_price,0,"rent, falling",9760884.52,no
> purchase_price,0,"reserve 1y, renewed",150689288.59,no
> purchase_price,0,"own half, burst",12006191.07,no
> purchase_price,0.2,"own 2,048, resell",15953287.89,no
> purchase_price,0.2,"rent, falling",9760884.52,yes
> purchase_price,0.2,"reserve 1y, renewed",150689288.59,no
> purchase_price,0.2,"own half, burst",17020708.81,no
> resale_share,0.9,"own 2,048, resell",26972027.39,no
> resale_share,0.9,"rent, falling",9760884.52,yes
> resale_share,0.9,"reserve 1y, renewed",150689288.59,no
> resale_share,0.9,"own half, burst",22530078.56,no
> resale_share,1,"own 2,048, resell",22313290.93,no
> resale_share,1,"rent, falling",9760884.52,yes
> resale_share,1,"reserve 1y, renewed",150689288.59,no
> resale_share,1,"own half, burst",20200710.33,no
> spare_utilization,0.9,"own 2,048, resell",17291100.04,no
> spare_utilization,0.9,"rent, falling",9760884.52,yes
> spare_utilization,0.9,"reserve 1y, renewed",150689288.59,no
> spare_utilization,0.9,"own half, burst",15069592.97,no
> spare_utilization,1,"own 2,048, resell",12982396.73,no
> spare_utilization,1,"rent, falling",9760884.52,yes
> spare_utilization,1,"reserve 1y, renewed",150689288.59,no
> spare_utilization,1,"own half, burst",12624127.76,no
# Refused before anything is replayed.
$ gpuledger compare traces/roadmap-2024-2028.textproto --strategies traces/strategies/roadmap.textproto --vary failure_rate=0..2
2> gpuledger: --vary failure_rate: traces/roadmap-2024-2028.textproto has no failure model to scale; give the plan one (failure_model: "llama3")
? 2
$ gpuledger compare traces/deepseek-v3-r1.textproto --vary discount_rate=0..0.1
2> gpuledger: --vary discount_rate: the plan has no start date, so no cash flow to discount; give it a start_date, or --start-date
? 2
$ gpuledger compare traces/deepseek-v3-r1.textproto --vary purchase_price=2..1
2> gpuledger: --vary purchase_price=2..1: purchase_price's low end, 2, must be below its high end, 1
? 2
