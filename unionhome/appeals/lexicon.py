"""The danger signals that make an appeal urgent whatever the model says. Written from the
union's own knowledge (seed papers, work safety, members' usage), never from an evaluation set."""

# (signal, regular expression). Any match makes an appeal urgent and tells the chair at once.
# Patterns are searched with re.S; a tuple of patterns means all of them appear somewhere.
_MANY = r"(\d{2,}|[二两三四五六七八九十百]{2,}|几十|上百|好几十|全体|全队|整个班组)多?[个名位号]?.{0,4}(人|工人|骑手|保安|工友|职工|员工|兄弟)"
_PAY = r"(工资|欠薪|没发|拖欠|讨薪|配送费|生活费|没拿到钱|一分钱|工钱)"
DANGER_SIGNALS: list[tuple[str, str | tuple[str, ...]]] = [
    (
        "injury",
        r"受伤|受了伤|骨折|流血|出血|[摔砸压烧烫绞割扭撞夹]伤|砸到|断了|伤得|工伤事故|送医|医院抢救|"
        r"送到医院|送医院|进了医院|ICU|抢救|出人命|人命|出了事",
    ),
    (
        "unconscious",
        r"昏迷|晕倒|晕过去|不省人事|休克|没了意识|叫不醒|叫不起来|倒在地上|没有呼吸|没气了|抽过去|抽搐|"
        r"口吐白沫|说胡话|没反应了",
    ),
    (
        "self_harm",
        r"自杀|轻生|跳楼|跳河|不想活|活不下去|活着没意思|寻死|割腕|农药|喝药|寻短见|结束生命|楼顶|天台",
    ),
    (
        "violence",
        r"打人|殴打|被打|动手打|打了一顿|耳光|打伤|家暴|推倒|强行|拉扯衣服|砍|持刀|拿刀|捅人|捅死|"
        r"砸东西|围殴|暴力|扬言|弄死|威胁.{0,6}(命|杀)",
    ),
    ("mass_unpaid", (_MANY, _PAY)),
    (
        "stoppage",
        r"停工|罢工|不上班|都不干了|集体不干|不上机坪|停摆|不肯走|不出车|不开工|不下井|撂挑子|集体辞职|"
        r"明天都不来",
    ),
    ("blockade", r"堵门|堵路|围堵|拉横幅|拉条幅|静坐|堵在"),
    ("petition", r"上访|信访|讨说法|集体去|一起去.{0,8}反映|去政府|找媒体|上热搜|闹到"),
    (
        "disaster",
        r"坍塌|塌方|冒顶|透水|瓦斯|爆炸|火灾|起火|着火了|烧起来|中毒|窒息|被困|触电|裂缝|掉渣|不敢进去|"
        r"漏气|煤气味|臭鸡蛋味|一氧化碳|硫化氢|上吐下泻|嘴发麻",
    ),
    ("missing", r"走失|走丢|失踪|失联|找不到人|找不到妈妈|找不到家"),
    ("emergency", r"救命|快来人|马上介入|立即介入|赶紧介入|马上来人"),
]
