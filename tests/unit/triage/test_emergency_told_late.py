"""True emergencies told the way people really tell them (emergency_dev2's failure classes): the urgent words in
another comma-piece of a long run-on sentence, the food named before it was eaten, a collapse underground, a child
gone the moment a parent looked away, a reduplicated cue ("偷偷拍"). Each must reach the emergency platform, with
the model and without it; and the near-misses beside them must not."""

from __future__ import annotations

import pytest

TOLD_LATE = [
    # (title, text, platform)
    ("紧急求助", "我们是泽州县川底乡的，这两天一直下大雨，刚才河水一下子涨上来了，把村口的路冲断了，我们家在河边，"
     "水已经进院子漫到膝盖了，家里有两个老人和一个孩子出不去，只能爬到平房顶上，请赶紧派人来救", "119"),
    (None, "那个就是说，我们家昨天上山采了点野蘑菇，今天中午炒着吃了，吃完一两个小时我爸我妈都开始吐，现在我妈说看东西重影，"
     "手也发麻，是不是中毒了，能不能快点派车来接", "120"),
    (None, "喂，我住在一个小煤窑旁边，刚才那边轰的一声，井口往外冒黑烟，有工人跑出来说底下塌了，还有好几个人在下面没上来，"
     "你们快派救援的人来", "119"),
    ("急", "我闺女今年六岁，刚才在人民公园里玩滑梯，我转身接了个电话，一回头人就不见了，已经找了二十多分钟了，求求你们帮忙找找", "110"),
    (None, "喂，有个人在公交车上偷偷拍女孩子裙底，被我们抓住了，现在车停在站台，你们快来呀", "110"),
    # "是不是羊水破了" asks what is happening; it does not deny it.
    (None, "喂，我媳妇怀孕八个多月，刚才突然肚子疼得厉害，裤子都湿了，是不是羊水破了，能不能快点派救护车", "120"),
    # 掐人中 is first aid given to the patient, not an assault.
    (None, "我在菜市场门口，有个老大爷突然倒在地上了，脸色发紫，叫他没反应，旁边人在给他掐人中，赶紧派个救护车", "120"),
    (None, "我家孩子刚才把暖壶碰倒了，一壶开水全浇在腿上，皮都起泡脱了一大片，孩子哭得不行，要怎么办，快派车", "120"),
    (None, "快来啊，有两个孩子在水库冰面上玩，冰裂了掉进去了，一个抓着冰边在喊，另一个看不见了，快来救人", "119"),
    (None, "各位，我同事刚才在部门群里发了一段话，说这辈子太累了，对不起家里人，现在就去河边，发完就把手机关了，请帮忙赶紧找找他", "120"),
    # A plain request for rescue, the danger unclear: 119 first, asked on the line.
    (None, "我们在河滩上，水越来越大，请赶紧派人来救", "119"),
    # Written posts with a title: still going on ("又在打孩子", "已经快半个小时了"), a call for the service now
    # beside a past word ("昨晚…请派救护车"), "中煤气" said the colloquial way, "到现在…还没回来" with words between.
    ("邻居家又在打孩子", "我住在高平市米山镇某小区，对门那家男的又在打孩子，孩子哭得嗓子都哑了，一直喊别打了，还能听见东西砸在身上的声音，"
     "我敲门他不开，已经快半个小时了，请派警察来", "110"),
    ("全家人头晕呕吐", "我们一家五口人早上起来都头疼头晕，有的在吐，我婆婆起不来了，昨晚屋里烧的是煤炉子，是不是中煤气了，请派救护车", "120"),
    ("孩子放学没回家", "我儿子今年十岁，上四年级，平时四点半放学，五点前肯定到家。今天到现在晚上七点多了还没回来，老师说他按时放学走的，"
     "我们把附近都找遍了，电话手表也打不通，请警察帮忙找找", "110"),
    (None, "我是帮我楼下的老太太打的，她说刚才有两个人冒充社区的进了她家，说要检查煤气，现在还在她家里翻东西，你们快来看看", "110"),
    (None, "我们饭店里有个客人喝多了，把我们服务员打了，现在拿着凳子在大厅里乱砸，谁劝打谁，快派警察来", "110"),
    (None, "我们这路边一辆拉化工品的罐车翻了，罐子在往外漏东西，一股刺鼻的味道，熏得眼睛疼，赶紧来处理", "119"),
    (None, "我家孩子三个月大，刚才喂完奶就不对劲了，脸色发青，好像不怎么喘气了，快来救救孩子", "120"),
    (None, "喂，我同事有糖尿病，刚才突然浑身出汗发抖，现在有点迷迷糊糊的，叫他也反应慢，我们在一个工地，快派车", "120"),
    (None, "我刚才跟一个说是我儿子的人视频，他让我马上转五万块钱给医院，我已经转过去两万了，现在我儿子说根本没这回事，钱能不能追回来", "110"),
    (None, "我女儿十六岁，刚才给我发微信说有个男的一直开车跟着她，让她上车，她现在躲在一个商店里不敢出来，请派警察去接她", "110"),
    (None, "我们饭店后厨液化气罐的管子开了，呲呲地往外喷气，关不上阀门，厨师们都跑出来了，快派人来", "119"),
    (None, "你好，我现在在银行ATM机这，有个人一直打电话让我把卡里的钱转到他说的账户里，说我涉嫌洗钱，我已经转了一笔了，他还在电话里催我", "110"),
    (None, "嗯，你好，我外公有老年痴呆，今天下午我们带他来县城里的医院看病，我去交钱回来他就不见了，到现在两个多小时了，能不能帮忙找一下", "110"),
    # "喊救命": a light verb before the cue makes a phrase of it, not another word.
    (None, "刚才刮大风，路边一棵大树倒了砸在一辆车上，车顶都压扁了，司机还在车里面，在喊救命，快来", "119"),
    (None, "我们这个商场搞活动，人太多了挤在扶梯口，刚才有人被挤倒了，后面的人还在往前挤，有小孩在哭，快派警察来维持秩序", "110"),
    (None, "我们家孩子爬到楼顶的水塔上面去了，下不来了，在上面哭，那个水塔很高，能不能派消防来接他下来", "119"),
    ("我姐姐吞药了", "我姐姐这半年一直失眠，医生给开了安定。刚才我姐夫打电话说她把一个月的量一次性全咽下去了，现在说话舌头都大了，麻烦你们赶快派车", "120"),
    (None, "我爸是糖尿病，刚才他说胰岛素可能打多了，现在浑身出冷汗，手抖得厉害，说话也不清楚了，怎么办，快来车", "120"),
    # "好多年轻人" is many young people, not "many years ago"; "快叫消防" says it is happening now.
    (None, "喂，我们这条街上一家饭店后厨着了，火从排烟管道里往外窜，隔壁就是网吧，里面好多年轻人，城区北街街道，快叫消防", "119"),
    (None, "我妈现在正在银行柜台要给一个什么安全账户转二十万，说是公安局的人打电话让她转的，我劝不住她，你们赶紧来个民警", "110"),
    (None, "我们三个人今天上山爬王莽岭，下午走岔了路，现在天黑了，手机快没电了，找不到下山的路，有一个人崴了脚走不动，求救援", "119"),
    (None, "老师，我们宿舍一个同学把自己锁在厕所里，我们从门缝里看见地上有血，喊她不开门也不说话，宿管阿姨也叫了，你们快来", "120"),
]

NOT_NOW = [
    # (title, text): the same words, not happening now
    ("建议加固河堤", "我们村在河边，前年发大水的时候河水漫进院子，老人孩子出不去，后来修了一段堤。"
     "希望水利部门今年汛期前把剩下那段河堤也加固一下，以免再出现那种情况。"),
    ("咨询野生菌中毒的医保报销", "去年秋天我们一家吃了自己采的野蘑菇，吃完都开始吐，在医院住了一个星期，想问问这种情况医保能报多少。"),
    (None, "对不起大家，这周末我要去河边钓鱼，社区的值班能不能换个人"),
    (None, "我媳妇怀孕八个月了，想问一下是不是在户籍地的社区医院建档，产检能不能报销"),
    ("应急救援太慢", "去年发大水的时候，我们打电话请求救援，等了三个小时才来人，希望以后加强应急力量"),
    ("建议成立山地救援队", "我们这里山多，每年都有驴友迷路，建议成立山地救援队，请有关部门考虑"),
    (None, "市民来电称，对门邻居装修把公共楼道的墙也打了，建筑垃圾堆在楼梯口一个多礼拜。"),
    ("暖气阀门关不上", "我家暖气的阀门坏了，关不上也关不住，物业说要等供暖公司来修，请帮忙催一下"),
    # A car or the water that "cannot get out" is a parking or drain complaint, not a person trapped.
    (None, "我家马桶堵了，水下不去，物业也不管"),
    (None, "小区门口被人堵了，车出不去，物业也不管"),
    (None, "地下车库的门坏了，车出不来，打电话物业没人接"),
    ("电梯坏了", "电梯坏了一个星期了，我家老人住十八楼下不来，希望物业赶紧修"),
    # Smoke from cooking or cigarettes, a wound that did not bleed, a complaint about service, a car parked in the way.
    (None, "喂，我们楼下烧烤店的油烟太大了，一到晚上满屋子都是烟，窗户都不敢开"),
    (None, "孩子被狗抓了一下，没出血，请问要不要打狂犬疫苗，去哪里打"),
    (None, "我刚才坐的5路车，司机一脚急刹车，我差点摔倒，手都磕破了，这司机太不像话了"),
    (None, "有一辆车一直停在我家门口，我的车出不去，打了挪车电话也没人接，能不能找交警来贴条"),
    (None, "请问我的手机被偷了要去哪个派出所报案，需要带什么"),
    ("煤矿采空区塌陷问题", "我们村下面是以前的煤矿采空区，这几年地面一直在下沉，好几户房子墙都裂了，希望有关部门来勘察，看看怎么治理。"),
]


@pytest.mark.parametrize(("title", "text", "platform"), TOLD_LATE)
def test_an_emergency_told_late_in_a_long_sentence_goes_out(engine, title, text, platform):
    result = engine.triage(text, title=title)
    assert result.platform == platform, result.reasons


@pytest.mark.parametrize(("title", "text", "platform"), TOLD_LATE)
def test_an_emergency_told_late_goes_out_without_the_model(rules_engine, title, text, platform):
    assert rules_engine.triage(text, title=title).platform == platform


@pytest.mark.parametrize(("title", "text"), NOT_NOW)
def test_the_same_words_in_the_past_or_as_a_hazard_stay_with_12345(engine, title, text):
    result = engine.triage(text, title=title)
    assert result.platform not in ("110", "119", "120"), result.reasons
