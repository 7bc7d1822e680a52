"""Which service an emergency needs, read from what is happening: people held against their will are for 110 (not a
person "trapped" for 119), a fire that is about to reach a house is a fire (not a threat to burn), food stuck in the
throat is for 120 (not a rescue). With the model and by the rules alone."""

from __future__ import annotations

import pytest

KINDS = [
    ("他们把我和我表弟锁在一个仓库里，说家里不拿钱就不放我们走，我趁他们出去偷偷打的电话", "110"),
    ("我女儿被网上认识的人骗到外地，现在被扣在一个出租屋里，对方说不交赎金不让她回家", "110"),
    ("山坡上的荒草着起来了，火顺着风往坡下烧，就要烧到我们村的柴房了", "119"),
    ("我家后院的玉米秸秆垛燃起来了，火快要烧到牛棚了，在陵川县礼义镇", "119"),
    ("孩子吃果冻噎住了，脸憋得发紫，咳不出来", "120"),
    # Somebody pinned under what fell; a fire still burning told beside a question; a person who will not wake.
    ("村里的砖窑塌了一半，底下埋着一个拉砖的工人，大家在用手刨", "119"),
    # The colloquial shock, lying still, not answering on the floor, water to the waist with someone inside.
    ("我叔在地里浇水的时候让电给打了，半天缓不过来", "120"),
    ("我奶奶躺在地上不说话了，我叫她也不理我", "120"),
    ("楼下车库进水了，水都到腰了，我爸去挪车，困在车库里出不来", "119"),
    # Told inside a written complaint: held down and beaten now, kept in a car, a stranger leading a child away, money
    # leaving the account as it is told, a man who stopped answering, the hiss of gas, a smell through the window.
    ("我们去村委会反映征地补偿的事，村主任叫来几个人，现在正把我叔摁在地上打，我们拉不开", "110"),
    ("网约车司机把门锁了，不让我下车，一直往山里开", "110"),
    ("我闺女在楼下滑滑梯，有人看见一个陌生的男人牵着她往马路那边走了，我现在到处找不着", "110"),
    ("对方让我开了屏幕共享，现在我卡里的钱正在一笔一笔往外转，停不下来", "110"),
    ("我爸刚才还好好的，现在喊他也不回话了", "120"),
    ("楼道里燃气味越来越重，有人说听到嘶嘶的声音，大家都往楼下跑", "119"),
    ("我姑姑一个人住，两天没接电话，邻居敲门没人应，窗户缝里能闻到一股怪味", "120"),
    # Taken away in the passive; asking how to handle it beside a fall that is happening does not hide it.
    ("我闺女放学路上被两个人硬拽上一辆白色面包车，往城外开走了", "110"),
    ("我妈刚才摔倒了起不来，想问问怎么办", "120"),
    # Self-harm said plainly; a person shut in a stuck lift is still trapped; a person swept away with the crops.
    ("刚才发现我弟弟手腕上好几道新口子，他说是自己割的，血还在往外渗", "120"),
    ("他把自己锁在电梯里出不来了，电梯卡住了", "119"),
    # Reported as a matter, but happening now: still a call.
    ("我想反映个事，刚才我前夫又来我单位门口堵着我，手里拎着一桶汽油，说不复婚就点了", "110"),
    ("刚才发大水，我家的玉米和一个老人都被冲到河里了", "119"),
    ("想问一下着火了保险怎么理赔，我们仓库现在还在着呢，火不算大", "119"),
    ("楼下车里坐着个男的，车窗关着，我们拍了半天车门他也不醒，发动机还开着", "120"),
    ("我爷爷喝汤的时候鸡骨头卡在嗓子里了，现在喘气都费劲，说不出话", "120"),
    # A person stung or hurt by an animal is the one in danger ("被马蜂蛰了" is a passive, "马蜂" one word); a fish hook
    # is not a fish.
    ("我爸在地里干活被一窝黄蜂蛰了，现在头肿得老大，说胸口发闷喘不过气", "120"),
    ("孩子钓鱼的时候鱼钩钩进了手心里，一直流血，疼得直哭", "120"),
    ("广场上一群人在围殴一个外卖小哥，有人还拿头盔砸他", "110"),
    ("我们楼里有个独居的老太太四五天没出门了，敲门也没人应，门缝里有股臭味", "120"),
    # A cry with something happening now beside a service matter is still a call for help.
    ("救命啊，物业的保安在打我爸，现在还在打", "110"),
    ("救命啊，房东带人来赶我们走，现在就在门口砸门", "110"),
    # Still a call: happening now beside the same words.
    ("派出所调解过一次，没管用，他们现在又在我家楼下打起来了，拿着棍子", "110"),
    # A stranger dragging someone into a car; a fall from a height; someone who went down after another and cannot come
    # up; slipping into the river, swept off; a sleeping pill's snore is not a beating.
    ("超市门口一个男的把个小女孩往面包车上抱，孩子一直哭着喊不认识他，车还停着", "110"),
    ("我家楼上的孩子刚才从四楼窗台上摔下来了，掉在自行车棚顶上，在哭", "120"),
    ("我们村的菜窖里有人晕在下面了，他儿子下去拉他，现在也上不来了", "119"),
    ("我侄子在水库边上玩，刚才脚一滑栽下去了，被水冲出去好远，大人们正在找", "119"),
    ("我奶奶吃了好几片安眠药，现在叫不醒，呼噜打得特别响", "120"),
    # The rescue readings still stand beside them.
    ("孩子的头卡在阳台栏杆里拔不出来了，一直在哭", "119"),
    ("他说要烧了我家的房子，现在拎着汽油桶在我家门口转", "110"),
    # Third session: "这会儿" is now, not a "会" of possibility; herders are people; a seizure or a daze told plainly.
    ("这会儿停车场那边有五六个人正在打一个人，那人都趴地上了", "110"),
    ("山里下大雨发了山洪，有个放牛的老汉被困在河对岸的石头上，水一直在涨", "119"),
    ("商场门口有个小伙子突然倒在地上，浑身抽，嘴里吐白沫，我们在城区", "120"),
    ("我奶奶刚才还好好的，这会儿叫她她也迷迷糊糊的，话都说不清了", "120"),
    # Emergencies told late in a longer matter: a polite request for the ambulance, a bang from a plant, a farewell
    # with pills, a wrench as a weapon, someone seen lying bloodied.
    ("我们几个同事在食堂吃了午饭，现在好几个人吐得站不起来，能不能先派个救护车来", "120"),
    ("我们村后面那个厂子刚才传出一声巨响，冒出好大的烟，村里人都在往外跑", "119"),
    ("我表哥刚才在群里发了一句对不起大家，然后就不回消息了，电话也关机了，他最近一直想不开", "120"),
    ("停车场有个男的拿着扳手追着一个人砸，那人头上都是血", "110"),
    ("下班路上看见桥洞底下躺着一个人，满脸是血，叫他只会哼哼", "120"),
    ("他流了好多血，我先给他包扎了一下，现在人有点迷糊", "120"),
    # A child shut in a car; bleeding that will not stop after a bite (a passive before the animal and its measure
    # words); guards beating people they have surrounded.
    ("商场门口那辆白色轿车里关着个婴儿，车窗关得严严的，孩子哭得满头汗，车主打不通", "119"),
    ("我儿子在公园被一只黑狗咬了，小腿上的血止不住地往外流", "120"),
    ("工厂的保安把几个讨薪的工人围在仓库里打，有个人已经躺在地上了", "110"),
]

NOT_EMERGENCIES = [
    # A kind of people, not a case.
    "我提个建议，现在压力大想不开的学生挺多的，学校能不能配个心理老师",
    "听说这几年跳河的人越来越多，河边能不能装个护栏、立块牌子",
    # Idle, not lying still; a system, not a person; a car, not a person, in the water.
    "领导躺在办公室里一动不动地玩手机，群众来了也不理",
    "这个政策我看了半天也出不来结果，系统里面出不来数据",
    "暴雨以后村里的路上水都到腰了，车出不来，希望赶紧修排水沟",
    # A bus that opens its doors only at the stop; an air conditioner's hiss; a man who does not reply to a caller.
    "公交司机不让我下车，非要到站才开门，这合理吗",
    "楼上空调外机整晚都能听到嘶嘶的声音，吵得睡不着",
    "物业给我们打电话叫他也不回话",
    # Goods, not a person, carried off; a custody dispute asked about ("想问问怎么办" asks for a procedure).
    "工地上的钢筋被人拉上车拉走了，想问问怎么办",
    "上个月我家孩子被他爸强行带走了，离婚以后一直不让我见，想问问怎么办",
    # A lamp, not a fire; not getting up for school; cars, not people, that cannot get out; how to prevent it.
    "家里的灯还在着呢，人不知道去哪了",
    "孩子早上怎么叫都叫不醒，上学老迟到，怎么办",
    "小区车库的车被堵住了出不来，物业也不管",
    "屋里炉子还烧着呢，想问问冬天怎么防煤气中毒",
    "怎么防止老人误服药物，社区能不能给讲讲",
    # Bottles, not people, washed away; a proposal about a kind of pupils.
    "村边有人往沟里倒农药瓶子，一大堆，下雨就冲到河里，下游有人家吃那个水",
    "我有个建议，现在学生压力大，有的孩子想不开，能不能在学校里多开点心理课",
    # A hazard reported ("我反映个事儿……也没人管") is not a call the model's net should raise.
    "喂，我反映个事儿，我们村后面那个采石场，坡都快立起来了，上面的石头老往下掉，工人就在底下干活，也没人管",
    "我家的羊被蜂蛰了，现在喘不过气，兽医站的电话是多少",
    # A bare cry as the exclamation of a complaint.
    "救命啊，这学期的学费又涨了，一个孩子一年要交好几万，还让不让人活了",
    # A question about what to do now ("现在要不要去打疫苗") about yesterday; a threat on a condition ("再要就叫人打我");
    # a doctor already seen; a fight the police have already mediated.
    "我家闺女前天让邻居家的狗咬了一口，流了点血，现在需不需要去打狂犬疫苗",
    "我找包工头要了好几次工钱，他说我再来要就找人揍我，这种情况该找哪个部门",
    "我吃了饭店的海鲜以后身上起了好多红疹子，去诊所看了说是过敏，饭店不肯赔医药费",
    "我侄子上个月在烧烤摊跟人打架被打伤了，派出所调解过，可对方到现在一分钱都不赔",
    # A fall the day before last, now resting at home; a bare cry over school fees.
    "我爸前天在小区门口滑倒了，把腰扭了，现在在家躺着，物业说地滑跟他们没关系",
    "救命啊，孩子学校这学期又要交什么资料费，一个月交了三回了",
    # Every day, every night: a habit to be managed, not a fight happening now.
    "我们楼下那个夜市每天晚上都有人喝多了吵架打架，吵得根本睡不着，希望城管和派出所加强管理",
    "老板不让我走，说必须干满三个月才给结工资，这合法吗",
    "去年我们村的麦秸垛着起来过一次，希望在村里多放几个灭火器",
    "我想问一下孩子被鱼刺卡过一次嗓子，去医院取出来花了五百多，医保能报吗",
    "我们村放羊的老汉说山上那条路被水冲坏了一段，希望交通部门修一修",
    "物业这阵子跟抽风似的，一会儿要收这个钱一会儿要收那个钱，希望住建部门管一管",
    # The person of an earlier event; time elapsed since it; a patient in rehabilitation.
    "八月份我在夜市被人打了，住了几天院，现在都三个多月了，打人的人还没被处理，希望公安局督促一下",
    "我爸上个月脑出血做了手术，现在半边身子还不能动，还在医院做康复，想问问康复的费用医保报多少",
    # A tool held to fight a fire is not a weapon (the fire itself is the call); a condition (……的话) is a question.
    "秋冬天我们村的护林员现在巡山都是拿着铁锹扑打草堆边上的烟头，想问问林业部门能不能给配点灭火器材",
    "我想问一下，孩子在学校里突然晕倒的话，老师应该先做什么，学校有没有急救培训",
]


@pytest.mark.parametrize(("text", "platform"), KINDS)
def test_the_service_follows_what_is_happening(engine, text, platform):
    result = engine.triage(text)
    assert result.platform == platform, result.reasons


@pytest.mark.parametrize(("text", "platform"), KINDS)
def test_the_service_follows_what_is_happening_by_the_rules_alone(rules_engine, text, platform):
    assert rules_engine.triage(text).platform == platform


@pytest.mark.parametrize("text", NOT_EMERGENCIES)
def test_the_same_words_in_a_service_request_stay_with_12345(engine, text):
    result = engine.triage(text)
    assert result.platform not in ("110", "119", "120"), result.reasons
